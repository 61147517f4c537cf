"""Rendering: execute a parameterised notebook with papermill, export it to HTML
with nbconvert, print that HTML to PDF with WeasyPrint, and move the finished
report into place atomically."""
