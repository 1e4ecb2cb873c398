"""Direct salary payments (§D.17 `/payments/directsalarypayments`): lists of SEPA payments to
persons, without a payroll, sent through the payments-out machinery of the parent package."""
