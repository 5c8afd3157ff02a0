"""Shared helper for the online ``openml`` data source.

Every OpenML-backed loader goes through :func:`fetch_openml_arrays`, which calls
:func:`sklearn.datasets.fetch_openml` and turns "no network" into a one-line
:class:`~benchmarks.errors.DataUnavailable`.

Cache layout. ``fetch_openml(data_home=D)`` keeps every HTTP response it needs,
gzipped, under ``D/openml/openml.org/<URL path>.gz``. For a dataset fetched by
name and integer version these are (as of scikit-learn 1.9.1; fetched by ``data_id``,
the first is not needed):

- ``api/v1/json/data/list/data_name/<name lower-cased>/limit/2/data_version/<v>.gz``
- ``api/v1/json/data/<id>.gz`` (description, with the ARFF ``url`` and ``md5_checksum``)
- ``api/v1/json/data/features/<id>.gz``
- ``api/v1/json/data/qualities/<id>.gz`` (``NumberOfInstances`` gives the row count)
- ``data/v1/download/<file_id>/<file name>.arff.gz`` (the ARFF file itself)

When all of them are present nothing is downloaded, which is how the tests run
this path offline (see ``tests/fixtures/openml/``).
"""

from __future__ import annotations

import http.client
import os
from pathlib import Path
from urllib.error import URLError

import numpy as np

from benchmarks.errors import DataUnavailable

__all__ = ["DEFAULT_PARSER", "describe_openml_dataset", "fetch_openml_arrays", "openml_cache_dir"]

#: Parser for ``fetch_openml``. ``"liac-arff"`` is pure Python: parsing a
#: 70,000 × 785 ARFF takes about a minute and 1-2 GB of memory, on every load
#: (only the download is cached). ``"pandas"`` would be faster, but with
#: scikit-learn 1.9.1 and pandas 3.1 it fails on numeric class labels
#: (scikit-learn issue #34892, fixed by PR #34902) and then deletes the cached
#: ARFF and tries to download it again.
DEFAULT_PARSER = "liac-arff"


def openml_cache_dir(data_dir: str | os.PathLike | None) -> Path:
    """The folder where ``fetch_openml(data_home=data_dir)`` keeps its cache.

    ``None`` means scikit-learn's default data home (``$SCIKIT_LEARN_DATA`` or
    ``~/scikit_learn_data``). Nothing is created.
    """
    if data_dir is None:
        data_dir = os.environ.get("SCIKIT_LEARN_DATA", os.path.join("~", "scikit_learn_data"))
    return Path(os.path.expanduser(os.fspath(data_dir))) / "openml"


def describe_openml_dataset(name: str | None, version: int | None, data_id: int | None = None) -> str:
    """How messages name a dataset: ``OpenML dataset 'mnist_784' version 1`` or ``OpenML dataset id 554``."""
    if data_id is not None:
        return f"OpenML dataset id {data_id}"
    return f"OpenML dataset {name!r} " + ("(active version)" if version is None else f"version {version}")


def fetch_openml_arrays(
    name: str | None,
    version: int | None,
    *,
    data_id: int | None = None,
    data_dir: str | os.PathLike | None = None,
    parser: str = DEFAULT_PARSER,
    n_retries: int = 3,
    delay: float = 1.0,
    offline_hint: str = "",
) -> tuple[np.ndarray, np.ndarray]:
    """Fetch one OpenML dataset, by name and version or by id, as NumPy arrays ``(X, y)``.

    Calls ``sklearn.datasets.fetch_openml(name=name, version=version,
    data_home=data_dir, as_frame=False, parser=parser, return_X_y=True)``, or
    with ``data_id=data_id`` instead of ``name`` and ``version``.
    With ``parser="liac-arff"``, ``X`` is float64 (categorical features
    ordinal-encoded) and a nominal target comes back as an object array of
    strings.

    Args:
        name: OpenML dataset name (case-insensitive), e.g. ``"Fashion-MNIST"``;
            ``None`` when ``data_id`` is given.
        version: the dataset version, used with ``name``; pin it (``None``:
            the newest active version, which can change).
        data_id: OpenML dataset id (it names one version), instead of ``name``.
        data_dir: scikit-learn data home; the cache is ``<data_dir>/openml``.
            ``None`` uses scikit-learn's default.
        parser: ``"liac-arff"`` or ``"pandas"``.
        n_retries, delay: passed to ``fetch_openml`` (network retries).
        offline_hint: appended to the error message, e.g. which offline source
            to use instead.

    Raises:
        DataUnavailable: openml.org cannot be reached (no network, DNS failure,
            timeout, HTTP error) and the dataset is not fully cached, or OpenML
            reports that the dataset does not exist.
    """
    from sklearn.datasets import fetch_openml
    from sklearn.datasets._openml import OpenMLError

    cache = openml_cache_dir(data_dir)
    what = describe_openml_dataset(name, version, data_id)
    which = {"data_id": data_id} if data_id is not None else {
        "name": name, "version": "active" if version is None else version}
    try:
        X, y = fetch_openml(
            **which,
            data_home=None if data_dir is None else os.fspath(data_dir),
            as_frame=False,
            parser=parser,
            return_X_y=True,
            n_retries=n_retries,
            delay=delay,
        )
    except OpenMLError as exc:
        raise DataUnavailable(
            f"{what} does not exist on openml.org: {exc}. {offline_hint}".strip()
        ) from exc
    except (URLError, TimeoutError, ConnectionError, http.client.HTTPException) as exc:
        # URLError covers HTTPError and the socket/DNS errors urllib wraps; other
        # OSErrors (a full disk, an unwritable cache) propagate unchanged.
        reason = getattr(exc, "reason", None) or exc
        raise DataUnavailable(
            f"Cannot fetch {what}: openml.org is "
            f"unreachable ({reason}) and the dataset is not fully cached under {cache}. "
            f"{offline_hint}".strip()
        ) from exc
    return np.asarray(X), np.asarray(y)
