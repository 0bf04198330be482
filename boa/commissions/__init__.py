"""Commissioned statistics (SPEC 9, seed 001): tables made to order from the registers, from the
customer's request through clarification, quotation, written acceptance, contract, production,
protected delivery, invoice, advice and correction, to the deletion of what the customer sent."""
