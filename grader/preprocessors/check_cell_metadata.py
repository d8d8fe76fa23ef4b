"""nbgrader's CheckCellMetadata, with the metadata schema checked once instead of once per cell.

nbgrader validates every cell's ``nbgrader`` metadata with ``jsonschema.validate(meta, schema)``,
which re-checks the (constant) schema itself on each call: a quarter of a notebook's grading time.
This subclass keeps nbgrader's schema, version checks and errors, and validates every cell with
one validator built once per process.
"""
from __future__ import annotations

import traceback

import jsonschema
from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbgrader.nbgraderformat.common import SchemaTooNewError, SchemaTooOldError
from nbgrader.preprocessors import CheckCellMetadata

_CACHE: dict[int, object] = {}


class _Validator(MetadataValidator):
    def _compiled(self):
        key = self.schema_version
        if key not in _CACHE:
            cls = jsonschema.validators.validator_for(self.schema)
            cls.check_schema(self.schema)
            _CACHE[key] = cls(self.schema)
        return _CACHE[key]

    def validate_cell(self, cell) -> None:
        if "nbgrader" not in cell.metadata:
            return
        version = cell.metadata["nbgrader"].get("schema_version", 0)
        if version < self.schema_version:
            raise SchemaTooOldError(f"Outdated schema version: {version} (expected {self.schema_version})",
                                    version, self.schema_version)
        if version > self.schema_version:
            raise SchemaTooNewError(f"Schema version is too new: {version} (expected {self.schema_version})",
                                    version, self.schema_version)
        error = jsonschema.exceptions.best_match(self._compiled().iter_errors(cell.metadata["nbgrader"]))
        if error is not None:
            raise error


class FastCheckCellMetadata(CheckCellMetadata):
    """See the module docstring."""

    def preprocess(self, nb, resources):
        try:
            _Validator().validate_nb(nb)
        except ValidationError:
            self.log.error(traceback.format_exc())
            msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(msg)
            raise ValidationError(msg)
        return nb, resources
