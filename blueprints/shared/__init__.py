"""Cross-cutting pieces every module uses: permissions, htmx helpers, forms, printing, storage."""
