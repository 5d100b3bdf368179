"""The soak: two gateway workers, Redis and PostgreSQL under a schedule of faults while simulated
patients and clinicians read and write; afterwards every acknowledged write and audited answer is
checked against the sandboxes' own state and the audit table (`make soak`, `python -m bench.soak`)."""
