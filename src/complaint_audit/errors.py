"""The one exception type that reaches the user as a one-line message and an exit status."""


class UserError(Exception):
    """Bad input or arguments: shown as one line on stderr, never as a traceback.

    The message names the file, row or column at fault and what to do about it.
    """

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code
