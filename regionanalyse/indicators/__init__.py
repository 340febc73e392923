"""Numbers only, one home per number: key figures, history, labour market, distances, peers, comparison."""
