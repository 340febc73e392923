"""Numbers only, one home per number: key figures, history, BA cohesion, distances, peers, figures across proposals, plan scores."""
