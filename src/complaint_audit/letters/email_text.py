"""The text of a letter sent by e-mail: a saved .eml (the standard library's email) or Outlook .msg (extract-msg).

The subject comes first (it often carries the reference: "Your complaint ASC-00123"), then the
body as plain text (HTML bodies reduced to their text with lxml), then the text of any Word
or PDF letter attached to it: the e-mail may only say "please find attached".
"""

from __future__ import annotations

import email
import email.policy
import tempfile
from pathlib import Path

from complaint_audit.letters.unreadable import Unreadable

_ATTACHED_LETTERS = (".docx", ".pdf")


def eml_text(path: Path) -> str:
    try:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    except (ValueError, LookupError, UnicodeError):
        raise Unreadable("not a readable e-mail (.eml) file") from None
    if not message.keys():
        raise Unreadable("not an e-mail (.eml) file: no headers")
    parts = [f"Subject: {message.get('subject', '')}"]
    body = message.get_body(preferencelist=("plain", "html"))
    if body is not None:
        content = _content(body)
        parts.append(_html_text(content) if body.get_content_type() == "text/html" else content)
    for attachment in message.iter_attachments():
        name = attachment.get_filename() or ""
        if name.lower().endswith(_ATTACHED_LETTERS):
            parts.append(_attached_text(name, attachment.get_payload(decode=True) or b""))
    return "\n".join(part.strip("\n") for part in parts)


def msg_text(path: Path) -> str:
    try:
        import extract_msg
    except ImportError:
        raise Unreadable("an Outlook .msg file, and extract-msg is not installed (pip install extract-msg)") from None
    try:
        message = extract_msg.openMsg(str(path))
    except Exception:  # extract-msg raises many kinds of error on a damaged file; all mean the same here
        raise Unreadable("not a readable Outlook .msg file") from None
    try:
        body = message.body or (_html_text(message.htmlBody.decode("utf-8", "replace")) if message.htmlBody else "")
        parts = [f"Subject: {message.subject or ''}", body]
        for attachment in getattr(message, "attachments", []):
            name = getattr(attachment, "longFilename", None) or getattr(attachment, "shortFilename", None) or ""
            data = getattr(attachment, "data", None)
            if name.lower().endswith(_ATTACHED_LETTERS) and isinstance(data, bytes):
                parts.append(_attached_text(name, data))
        return "\n".join(part.strip("\n") for part in parts)
    finally:
        message.close()


def _content(part) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError, ValueError):  # an unknown or wrong charset: the bytes as best they go
        return (part.get_payload(decode=True) or b"").decode("utf-8", "replace")


def _html_text(html: str) -> str:
    import lxml.html

    if not html.strip():
        return ""
    try:
        return lxml.html.fromstring(html).text_content()
    except (ValueError, TypeError):
        return ""


def _attached_text(name: str, data: bytes) -> str:
    """An attached Word or PDF letter's text, read from a private temporary copy; '' when it cannot be read."""
    from complaint_audit.letters.text import text_of_file

    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / f"attachment{suffix}"
        copy.write_bytes(data)
        try:
            return text_of_file(copy).text
        except Unreadable:
            return ""
