"""Generated alternatives (ReCom ensembles) and where a proposal falls among them."""
