"""The one policy for every in-process memo of the package (`memo`), and one way to clear them.

A memoised value is shared by every caller in the process, so no caller may change what the
next one gets. `memo` is `functools.lru_cache` with that rule built in, by the value's type:

* pandas objects (DataFrame, GeoDataFrame, Series, Index): each call gets a shallow copy.
  pandas ≥ 3 always copies on write, so the copy shares the memo's data until the caller
  writes, and a new column or an assignment stays in the caller's copy (no data is copied).
* numpy arrays are made read-only when stored: a write raises ValueError.
* dict → `types.MappingProxyType`, list → tuple, set → frozenset (a write raises); their
  elements, and those of a tuple, follow these rules in turn.
* a dataclass: each call gets a new instance (`dataclasses.replace`) whose fields follow these
  rules, so neither an attribute assignment nor a field's change reaches the memo (a frozen
  one holding no pandas object is returned as is).
* a networkx graph is frozen (`networkx.freeze`): a change raises.
* str, bytes, numbers, None, enums, paths and frozensets are immutable and returned as is.

Any other value is refused at the first call (TypeError) unless the function is declared
`memo(shared=True)`: a service object its callers only use (an nbconvert exporter).

`clear_all()` empties every memo. It runs by itself when the data folder in use changes
(`watch`: sources/cache.py watches the raw data folder, so a test that points the loaders
elsewhere, or a data update seen by a long-lived kernel, never mixes tables of two data sets).
The processed-data cache on disk needs no clearing: it is keyed on the files' contents.
"""
from __future__ import annotations

import dataclasses
import enum
import functools
import sys
import types
import weakref
from pathlib import PurePath
from typing import Any, Callable

_IMMUTABLE = (str, bytes, int, float, complex, bool, type(None), range, PurePath, enum.Enum,
              frozenset)
_ALL: "weakref.WeakSet[Callable]" = weakref.WeakSet()
_watched: list = [None, None]  # [token function, the token the memos were filled under]


def watch(token: Callable[[], Any]) -> None:
    """Clear every memo whenever `token()` differs from its value at the last memo call (it
    is called at every memo call: keep it cheap)."""
    _watched[:] = [token, token()]


def _check() -> None:
    token = _watched[0]
    if token is not None:
        now = token()
        if now != _watched[1]:
            _watched[1] = now
            clear_all()


def _pandas(value) -> bool:
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(value, (pd.DataFrame, pd.Series, pd.Index))


def _freeze(value: Any, where: str, shared: bool) -> tuple[Any, bool]:
    """(the value to store, whether each call needs a fresh copy of part of it)."""
    np = sys.modules.get("numpy")
    nx = sys.modules.get("networkx")
    if _pandas(value):
        return value, True
    if np is not None and isinstance(value, np.ndarray):
        value.flags.writeable = False
        return value, False
    if isinstance(value, _IMMUTABLE) or (np is not None and isinstance(value, np.generic)):
        return value, False
    if isinstance(value, (dict, types.MappingProxyType)):
        items = {k: _freeze(v, where, shared) for k, v in value.items()}
        return (types.MappingProxyType({k: v for k, (v, _) in items.items()}),
                any(fresh for _, fresh in items.values()))
    if isinstance(value, (list, tuple)):
        items = [_freeze(v, where, shared) for v in value]
        if isinstance(value, tuple) and all(v is old for (v, _), old in zip(items, value)):
            stored = value
        elif hasattr(value, "_fields"):
            stored = type(value)._make(v for v, _ in items)
        else:
            stored = tuple(v for v, _ in items)
        return stored, any(fresh for _, fresh in items)
    if isinstance(value, set):
        return frozenset(value), False
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _freeze(getattr(value, f.name), where, shared)
                  for f in dataclasses.fields(value) if f.init}
        frozen = type(value).__dataclass_params__.frozen
        same = all(v is getattr(value, k) for k, (v, _) in fields.items())
        stored = value if same else dataclasses.replace(value, **{k: v for k, (v, _) in fields.items()})
        return stored, not frozen or any(fresh for _, fresh in fields.values())
    if nx is not None and isinstance(value, nx.Graph):
        return nx.freeze(value), False
    if shared:
        return value, False
    raise TypeError(f"{where}: memo cannot freeze a {type(value).__name__}; return an immutable "
                    "value, or declare memo(shared=True)")


def _fresh(value: Any) -> Any:
    """What one call gets of a stored value that holds a pandas object or a mutable dataclass."""
    if _pandas(value):
        return value.copy(deep=False)
    if isinstance(value, types.MappingProxyType):
        return types.MappingProxyType({k: _fresh(v) for k, v in value.items()})
    if isinstance(value, tuple):
        items = [_fresh(v) for v in value]
        return type(value)._make(items) if hasattr(value, "_fields") else tuple(items)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: _fresh(getattr(value, f.name))
                                             for f in dataclasses.fields(value) if f.init})
    return value


def memo(maxsize: int | None = None, *, shared: bool = False) -> Callable[[Callable], Callable]:
    """`functools.lru_cache(maxsize)` under the package's policy (the module docstring).

    The wrapper has `cache_clear`, `cache_info` and `__wrapped__` as lru_cache's has, and
    `last_call` (args, kwargs of its latest call), which the tests use to check the policy."""
    def decorate(function: Callable) -> Callable:
        where = f"{function.__module__}.{function.__qualname__}"

        @functools.lru_cache(maxsize=maxsize)
        def stored(*args, **kwargs):
            return _freeze(function(*args, **kwargs), where, shared)

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            _check()
            wrapper.last_call = (args, kwargs)
            value, needs_fresh = stored(*args, **kwargs)
            return _fresh(value) if needs_fresh else value

        wrapper.cache_clear = stored.cache_clear
        wrapper.cache_info = stored.cache_info
        wrapper.last_call = None
        wrapper.memo_shared = shared
        _ALL.add(wrapper)
        return wrapper
    return decorate


def memos() -> list[Callable]:
    """Every memoised function that exists now."""
    return list(_ALL)


def clear_all() -> None:
    """Empty every memo of the package (see the module docstring)."""
    for wrapper in list(_ALL):
        wrapper.cache_clear()
        wrapper.last_call = None
