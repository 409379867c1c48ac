"""What one revision of a PDF holds (embedded files, document information, page count), and
what changed between a signed revision and the file as it is now, in words."""

from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.rw_common import PdfHandler

from screening_app.domain.messages import gettext as _
from screening_app.domain.messages import ngettext

MAX_NAME_TREE_DEPTH = 32  # a loop of /Kids in a damaged file must not recurse forever


def text(value: object) -> str:
    """A PDF string, name or number as Python text."""
    if isinstance(value, generic.ByteStringObject | bytes):
        return bytes(value).decode("latin-1")
    return str(value)


def page_count(handler: PdfHandler) -> int:
    return int(handler.root["/Pages"]["/Count"])


def document_info(handler: PdfHandler) -> dict[str, str]:
    """The document information dictionary, keys as PDF names (``"/Title"``)."""
    trailer = handler.trailer_view
    if "/Info" not in trailer:
        return {}
    info = trailer.raw_get("/Info")
    if isinstance(info, generic.IndirectObject):
        # Resolved through ``handler``: a historical revision's trailer still refers to the
        # newest version of each object.
        info = handler.get_object(info.reference)
    if not isinstance(info, generic.DictionaryObject):
        return {}
    return {str(key): text(value) for key, value in info.items()
            if not isinstance(value, generic.DictionaryObject | generic.ArrayObject)}


def embedded_files(handler: PdfHandler) -> dict[str, bytes]:
    """Every embedded file of the document-wide name tree: file name -> contents."""
    try:
        tree = handler.root["/Names"]["/EmbeddedFiles"]
    except KeyError:
        return {}
    files: dict[str, bytes] = {}
    _collect_files(tree, files, depth=0)
    return files


def _collect_files(node: generic.DictionaryObject, files: dict[str, bytes], depth: int) -> None:
    if depth > MAX_NAME_TREE_DEPTH:
        raise ValueError("the tree of embedded files is nested too deeply")
    names = _entry(node, "/Names", generic.ArrayObject())
    for index in range(0, len(names) - 1, 2):
        streams = _entry(names[index + 1], "/EF", generic.DictionaryObject())
        stream = _entry(streams, "/UF", None) or _entry(streams, "/F", None)
        if isinstance(stream, generic.StreamObject):
            files[text(names[index])] = stream.data
    for kid in _entry(node, "/Kids", generic.ArrayObject()):
        _collect_files(kid, files, depth + 1)


def _entry(dictionary: generic.DictionaryObject, key: str, default: object) -> Any:
    """``dictionary[key]`` resolved (``dict.get`` would return an unresolved reference)."""
    try:
        return dictionary[key]
    except KeyError:
        return default


def describe_changes(reader: PdfFileReader, signed_revision: int) -> str | None:
    """What a reader would notice changed since ``signed_revision``: pages added or
    removed, embedded files added, removed or changed, as a clause without its full stop
    (verifying.py ends it with when). None if none of these."""
    then = reader.get_historical_resolver(signed_revision)
    pages_then, pages_now = page_count(then), page_count(reader)
    if pages_now > pages_then:
        added = pages_now - pages_then
        if added == 1:
            return _("A page was added")
        return ngettext("{count} page was added", "{count} pages were added", added).format(
            count=added)
    if pages_now < pages_then:
        removed = pages_then - pages_now
        if removed == 1:
            return _("A page was removed")
        return ngettext("{count} page was removed", "{count} pages were removed",
                        removed).format(count=removed)
    files_then, files_now = embedded_files(then), embedded_files(reader)
    for name in sorted(files_then.keys() | files_now.keys()):
        if name not in files_now:
            return _("The embedded file {name!r} was removed").format(name=name)
        if name not in files_then:
            return _("An embedded file {name!r} was added").format(name=name)
        if files_then[name] != files_now[name]:
            return _("The embedded file {name!r} was changed").format(name=name)
    return None
