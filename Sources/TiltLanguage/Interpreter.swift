import TiltSyntax
