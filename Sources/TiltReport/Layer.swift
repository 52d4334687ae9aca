// The TiltReport layer; see Docs/architecture.md.
