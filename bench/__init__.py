"""Load runs of this gateway against the demo's upstreams, side by side with GraphQL Mesh and plain strawberry."""
