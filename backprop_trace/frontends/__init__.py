"""The other ways in: a Python function (``record``, by operator overloading) and a sympy
expression (``walk``), each turned into the same equations the text parser makes."""
