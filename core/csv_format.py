"""The CSV format of every admin export: UTF-8 with a BOM, so Excel on Japanese Windows opens
it as UTF-8 (without the BOM it reads Shift_JIS and shows mojibake). No model imports here: the
settings name this class (EXPORT_FORMATS)."""

from import_export.formats.base_formats import CSV


class ExcelCSV(CSV):
    BOM = "\ufeff"

    def export_data(self, dataset, **kwargs):
        return self.BOM + super().export_data(dataset, **kwargs)
