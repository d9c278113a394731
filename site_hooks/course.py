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

# The distributions whose versions every result records: each page's stamp says "Verified with torch
# 2.14.1, Python ..." and each notebook's setup cell compares them with the reader's.
STAMP = ("torch",)

# Checks run after every snippet that ran without error, in its own process, on the variables it left
# at module level (check name -> a file next to this one defining check(namespace)); what each returns
# is kept with the result (result.checks[name]). The leak rule: no test example is a training example.
CHECKS = {"splits": "splits.py"}
