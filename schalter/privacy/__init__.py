"""Privacy: what the office holds about one person (subject access, Art. 15 GDPR) and who of the
staff read client records. Reads across the domain apps, writes nothing but its audit row."""
