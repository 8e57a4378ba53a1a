"""Collections: dunning policies and levels, the daily run, promises to pay, disputes, account
holds, late fees and interest, statements of account — and never nagging a payer."""
