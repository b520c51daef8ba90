"""Python client library: REST calls and both sockets with the seed's reconnection backoff."""
