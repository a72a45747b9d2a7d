"""The case kernel: how any change to a case runs (``CaseKernel.run``), what a case looks like
to the code that decides (``CaseKernel`` reads, ``facts``), the stage clocks and the errors.

The feature actions in ``bot.actions`` say *what* each action changes and who is told; this
package says *how*: rules from ``bot.workflow``, version check, change, event and outbox rows in
one transaction.
"""
