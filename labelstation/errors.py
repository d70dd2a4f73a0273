"""One exception root for everything LabelStation refuses (STYLE.md 5).

A message names the field, the value and what was expected, because it is shown to an operator
or a supervisor as it is. The CLI turns any :class:`LabelStationError` into one line on stderr
and exit code 2; anything else is an internal error (exit 1).
"""


class LabelStationError(Exception):
    """Root of every error LabelStation raises on purpose."""


class ValidationError(LabelStationError):
    """Input data breaks a rule (GS1, HIBCC, template schema, policy)."""


class GS1Error(ValidationError):
    """A GS1 element string, AI value or pairing is invalid."""


class UDIError(ValidationError):
    """A HIBCC UDI string or component is invalid."""


class TemplateError(ValidationError):
    """A label template is malformed, of an unknown version, or cannot be laid out."""


class RenderError(LabelStationError):
    """A display list cannot be drawn, or a drawn symbol does not decode to its intent."""


class DeviceError(LabelStationError):
    """A printer or scanner failed, stopped answering, or sent something unusable."""


class DeviceTimeout(DeviceError):
    """A device did not answer within the configured time."""


class PermissionDenied(LabelStationError):
    """The signed-in user's roles do not allow the requested operation."""


class AuthenticationError(LabelStationError):
    """Wrong user ID or password, locked or expired account."""


class IntegrityError(LabelStationError):
    """Stored data does not match its hash, signature or audit chain."""


class NotFound(LabelStationError):
    """A named record (user, template, product, batch) does not exist."""
