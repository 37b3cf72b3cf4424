"""The BuildKit session: file sync, secrets, SSH and credentials served to the engine
over ``POST /session`` (HTTP/2, gRPC), with no docker CLI."""
