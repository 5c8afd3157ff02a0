"""The image task: classify small images (Fashion-MNIST by default; ``dataset=`` picks another)."""

from __future__ import annotations

from benchmarks.corruptions.image import CORRUPTIONS, corrupt_images
from benchmarks.tasks.base import ClassificationTask


class ImageTask(ClassificationTask):
    """Image classification on raw pixels; the protocol is :class:`ClassificationTask`'s.

    Default dataset: Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, arXiv:1708.07747;
    ``conf/dataset/fashion_mnist.yaml``), 10 classes of 28×28 grey images. Its own
    10,000 test images are the test split; a fixed stratified 5,000 of its 60,000
    training images are the validation split, the other 55,000 the training pool.
    Other datasets: any OpenML image dataset (``dataset=mnist``, ``kmnist``,
    ``cifar10``, or ``dataset=openml_image dataset.loader.name=...``) and a local
    folder of class sub-folders (``dataset=image_folder dataset.loader.root=...``).

    Inputs ``X``: ``(n, H, W)`` uint8 grey or ``(n, H, W, 3)`` uint8 RGB pixels;
    targets ``y``: ``(n,)`` int64 class indices. Metrics: ``accuracy`` (primary)
    and ``macro_f1``, in [0, 1]; under the MNIST-C-style corruptions of
    :mod:`benchmarks.corruptions.image` (noise, blur, contrast, brightness, rotation,
    translation, JPEG, elastic), ``accuracy@corruption=...,severity=...``.
    """

    name = "image"
    primary_metric = "accuracy"
    CORRUPTIONS = tuple(CORRUPTIONS)
    corrupt_inputs = staticmethod(corrupt_images)
