"""The web application: pages on the admission service, for every party to admission.

A thin caller, like the command line: each page establishes the actor (the logged-in account
in one of its roles) and the clock, calls the service or a reading function of the engine,
and renders the typed result. No process logic lives here.
"""
