"""OPA "URI" builtins: ``uri.parse`` and ``uri.is_valid`` over Go's ``net/url.Parse``.

``uri.parse`` returns only the non-empty components among ``scheme``,
``hostname``, ``port``, ``path``, ``raw_path`` (Go's ``RawPath``, or ``Path``
when that is empty), ``raw_query`` and ``fragment``; a string Go rejects is an
error carrying Go's message (``parse "<url>": <why>``). ``uri.is_valid`` is
false for non-strings and the empty string, otherwise whether Go parses it.
"""

from __future__ import annotations

from typing import Any

from workbench.core.engines.opa.builtins._gourl import URLError, go_parse_url
from workbench.core.engines.opa.builtins._operands import check_string
from workbench.core.engines.opa.builtins._registry import BuiltinTable, builtin_error

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__: list[str] = []


@BUILTINS.builtin("uri.parse", category="URI")
def uri_parse(uri: Any) -> dict[str, str]:
    text = check_string("uri.parse", uri, 1)
    try:
        url = go_parse_url(text)
    except URLError as exc:
        raise builtin_error("uri.parse", str(exc)) from None
    fields = {
        "scheme": url.scheme,
        "hostname": url.hostname(),
        "port": url.port(),
        "path": url.path,
        "raw_path": url.raw_path or url.path,
        "raw_query": url.raw_query,
        "fragment": url.fragment,
    }
    return {key: value for key, value in fields.items() if value}


@BUILTINS.builtin("uri.is_valid", category="URI")
def uri_is_valid(uri: Any) -> bool:
    if not isinstance(uri, str) or uri == "":
        return False
    try:
        go_parse_url(uri)
    except URLError:
        return False
    return True
