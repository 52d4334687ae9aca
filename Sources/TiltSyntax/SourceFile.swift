/// Placeholder replaced by the syntax layer.
public enum TiltSyntaxPlaceholder {}
