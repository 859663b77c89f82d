"""The web application: pages on the admission service, for every party to admission.

A thin caller, like the command line: each page establishes the actor (the logged-in account
in one of its roles) and the clock, calls a step of the admission service or a read of
``engine.workflow.queries``, and renders the typed result. No process logic and no query of
the store lives here.
"""
