"""Each row's first problem: conversion and validation both give a row one reason, the first found."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd


class FirstProblems:
    """A code and a message per row; a row keeps the first problem noted for it.

    Kept in numpy arrays by position: a Series would align a million-row index on every note.
    """

    def __init__(self, index: pd.Index):
        self.index = index
        self.code = np.full(len(index), None, dtype=object)
        self.detail = np.full(len(index), None, dtype=object)
        self.unexplained = np.ones(len(index), dtype=bool)  # the rows no problem has caught yet

    def note(self, mask: pd.Series | np.ndarray, code: pd.Series | str,
             message: pd.Series | str | Callable[[pd.Series], pd.Series]) -> None:
        """Give `code` to the rows of `mask` without a problem yet; a callable `message` words only those rows."""
        fresh = np.asarray(mask, dtype=bool) & self.unexplained
        if not fresh.any():
            return
        self.unexplained[fresh] = False
        self.code[fresh] = code.to_numpy(dtype=object)[fresh] if isinstance(code, pd.Series) else code
        if callable(message):
            self.detail[fresh] = message(pd.Series(fresh, index=self.index)).to_numpy(dtype=object)
        else:
            self.detail[fresh] = message.to_numpy(dtype=object)[fresh] if isinstance(message, pd.Series) else message

    def series(self) -> tuple[pd.Series, pd.Series]:
        """(code, message) per row, both None for a row without a problem."""
        return pd.Series(self.code, index=self.index, dtype=object), pd.Series(self.detail, index=self.index, dtype=object)
