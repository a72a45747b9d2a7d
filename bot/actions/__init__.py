"""What each feature does to a case, one module per feature; every action runs through
``bot.kernel.CaseKernel.run`` (rules, version check, change, event, notifications in one
transaction). A new action goes into the module of the feature whose screen triggers it.
"""
