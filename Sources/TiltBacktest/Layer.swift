// The TiltBacktest layer; see Docs/architecture.md.
