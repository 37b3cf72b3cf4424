"""Docker Engine access: connection, build context, builds as event streams, sizes. No Qt."""
