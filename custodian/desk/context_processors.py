"""Every page carries the library's name, from the policy profile the installation runs."""

from custodian import door


def library(request) -> dict:
    return {"library_name": door.library_name()}
