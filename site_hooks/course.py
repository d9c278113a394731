"""This course's policy for the snippet runner (read by the snippet-outputs plugin: mkdocs.yml's
``plugins: - snippet-outputs: course: site_hooks/course.py``, and so by the tests, which load the
site through MkDocs). The library in ``snippet_runner/`` knows nothing of PyTorch or Colab; what is
specific to this course is here.
"""

# Imported once by the warm worker before it forks each snippet: a snippet that imports torch then
# starts in milliseconds instead of seconds. Nothing here may run a torch operation (OpenMP's thread
# pool does not survive fork()).
PRELOAD = ("numpy", "torch", "torch.nn", "torch.optim", "torch.utils.data", "torchvision",
           "torchvision.transforms.v2", "matplotlib", "matplotlib.pyplot", "PIL.Image", "sklearn.datasets")

# What a Colab runtime already has: a page's notebook installs only the other distributions its
# snippets import, at the versions the page's outputs were produced with.
COLAB_HAS = frozenset({"torch", "torchvision", "numpy", "matplotlib", "scikit-learn", "pillow", "pandas", "scipy",
                       "tqdm", "requests"})
