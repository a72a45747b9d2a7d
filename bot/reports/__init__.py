"""The division's reports (issue 17): figures per period and province, as text, chart and .xlsx.

- ``periods``: this month, last month, the fiscal year (October-September), a custom range;
- ``figures``: pure computation from each case's status changes (no Telegram, no SQL);
- ``service``: who may see what, reading ``storage.reports``, building a ``Report``;
- ``summary``, ``chart``, ``workbook``: the Telegram message, the PNG and the ``.xlsx``.
"""
