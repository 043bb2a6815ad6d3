"""Remember the Java classes and static methods a job process has looked up through Py4J.

Py4J resolves a name in the JVM (`sc._jvm.functions`, then its `col`) with a reflection round trip to the JVM on
every use, and PySpark goes through such names for every function it builds: `F.col("x")` was three round trips,
only one of them the call itself. The bookmarked process_sales rerun sent 1,180 reflection commands (~0.24 s of a
~3.5 s script). Once found, a class or a static method stays what it is for the life of the JVM, so the answer is
kept on the object that looked it up, where Python's attribute lookup finds it before asking Py4J again. (A simple
name on the JVM view is resolved through its imports, which Spark makes when the gateway starts: a script that later
imports a different class of a name it already used keeps the first.)

Only classes and static methods are kept. A static field is a value, read again on every use. A package is not
kept either: Py4J answers "package" for any name that is not (yet) a class, and a later `java_import` may make it
one. Nor is a name that was not found. Py4J has no such cache of its own; this module patches its lookups in
glueflow's job processes only (launcher.main), never on AWS.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def install() -> None:
    """Make Py4J's JVM views, packages and classes keep the classes and methods they find (idempotent)."""
    from py4j.java_gateway import JavaClass, JavaMember, JavaPackage, JVMView

    _keep_found(JVMView, lambda value: isinstance(value, JavaClass))
    _keep_found(JavaPackage, lambda value: isinstance(value, JavaClass))
    _keep_found(JavaClass, lambda value: isinstance(value, JavaClass | JavaMember))


def _keep_found(owner: type, keep: Callable[[Any], bool]) -> None:
    lookup = owner.__getattr__  # type: ignore[attr-defined]
    if getattr(lookup, "_keeps_found", False):
        return

    def lookup_once(self: Any, name: str) -> Any:
        value = lookup(self, name)
        if keep(value):
            self.__dict__[name] = value  # found by plain attribute lookup from now on: __getattr__ is not called
        return value

    lookup_once._keeps_found = True  # type: ignore[attr-defined]
    owner.__getattr__ = lookup_once  # type: ignore[attr-defined]
