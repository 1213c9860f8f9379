"""What kind of process cjmc runs in.

The command-line entry point sets :data:`ONE_SHOT`: the process ends after
one command, so a model built once may be frozen for the garbage collector
(:func:`gc.freeze`) and left for the operating system to reclaim at exit.
A library user or ``cjmc serve`` compiles many times in one process, where
neither would be right.
"""

ONE_SHOT = False
