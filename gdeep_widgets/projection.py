"""Linear projection of inputs with more features than a view can show."""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import PCA

from ._validation import check_array, check_int

__all__ = ["Projection", "project"]


class Projection:
    """Map points of any dimension to ``n_components`` coordinates for display.

    Inputs with at most ``n_components`` features pass through unchanged
    (``is_identity_`` is then True); wider inputs go through scikit-learn's
    :class:`~sklearn.decomposition.PCA`, fitted once so that data and flow
    frames share the same axes.

    Parameters
    ----------
    n_components : int, default=3
        Number of output coordinates, 2 or 3.
    random_state : int or None, default=None
        Passed to PCA (used only by its randomized solver).

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen by :meth:`fit`.
    is_identity_ : bool
        True when no PCA was needed.
    pca_ : PCA or None
        The fitted PCA, or None for an identity projection.
    explained_variance_ratio_ : ndarray of shape (n_components,)
        Variance kept by each component (ones for an identity projection).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).normal(size=(100, 5))
    >>> Projection(n_components=3).fit(X).transform(X).shape
    (100, 3)
    """

    def __init__(self, n_components=3, random_state=None):
        self.n_components = check_int(n_components, "n_components", low=2, high=3)
        self.random_state = random_state

    def fit(self, X):
        """Fit the projection on ``X`` of shape (n_samples, n_features)."""
        X = check_array(X, "X")
        self.n_features_in_ = X.shape[1]
        self.is_identity_ = self.n_features_in_ <= self.n_components
        if self.is_identity_:
            self.pca_ = None
            self.explained_variance_ratio_ = np.ones(self.n_features_in_)
        else:
            if X.shape[0] < self.n_components:
                raise ValueError(
                    f"X needs at least n_components={self.n_components} rows to fit "
                    f"a PCA; got {X.shape[0]}."
                )
            self.pca_ = PCA(
                n_components=self.n_components, random_state=self.random_state
            )
            self.pca_.fit(X)
            self.explained_variance_ratio_ = self.pca_.explained_variance_ratio_
        return self

    def transform(self, X):
        """Project ``X``; an identity projection returns it as float64 unchanged."""
        X = check_array(X, "X", allow_empty=True)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X must have {self.n_features_in_} columns, as the data the "
                f"projection was fitted on; got {X.shape[1]}."
            )
        if self.is_identity_:
            return X
        if len(X) == 0:
            return np.zeros((0, self.n_components))
        return self.pca_.transform(X)

    def fit_transform(self, X):
        """Fit on ``X`` and return its projection."""
        return self.fit(X).transform(X)


def project(X, n_components=3, random_state=None):
    """Project ``X`` to ``n_components`` coordinates (PCA only when needed).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    n_components : int, default=3
        2 or 3.
    random_state : int or None, default=None

    Returns
    -------
    ndarray of shape (n_samples, min(n_features, n_components))
    """
    return Projection(n_components, random_state).fit_transform(X)
