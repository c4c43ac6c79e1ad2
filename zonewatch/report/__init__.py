"""The indicator report: one self-contained HTML page of a subject's indicator series.

``write_report(warehouse, subject, indicator=None, out="report.html")`` reads the
``indicator_series`` view (through ``zonewatch.warehouse.search.indicator_report_rows``) and
writes a page with, per series (indicator, measure, period granularity), a Plotly line chart
over the periods (actual: solid line and filled circles; target: dashed line and open
diamonds; forecast: dotted line and open squares; values in conflict ringed in red) and the
table of the values with links to the articles that state them, conflicts flagged with the
disagreeing articles' values. plotly.js is embedded once, so the page works offline.
"""
from zonewatch.report.page import ReportSummary, build_html, write_report

__all__ = ["write_report", "build_html", "ReportSummary"]
