"""awsglue.transforms: Glue's transform classes; `X.apply(frame=..., ...)` calls the DynamicFrame method."""

from __future__ import annotations

from typing import Any

from awsglue._glueflow.unsupported import unsupported


class GlueTransform:
    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        return cls()(*args, **kwargs)

    @classmethod
    def name(cls) -> str:
        return cls.__name__

    @classmethod
    def describeArgs(cls) -> list[dict[str, Any]]:
        return []

    @classmethod
    def describeReturn(cls) -> dict[str, Any]:
        return {}

    @classmethod
    def describeTransform(cls) -> str:
        return cls.__doc__ or ""

    @classmethod
    def describeErrors(cls) -> list[dict[str, Any]]:
        return []

    @classmethod
    def describe(cls) -> dict[str, Any]:
        return {"transform": {"name": cls.name(), "description": cls.describeTransform()}}

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        unsupported(f"awsglue.transforms.{type(self).__name__}")


class ApplyMapping(GlueTransform):
    """Casts and renames to the mapped fields only."""

    def __call__(
        self,
        frame: Any,
        mappings: Any,
        case_sensitive: bool = False,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> Any:
        return frame.apply_mapping(mappings, case_sensitive, transformation_ctx, info, stageThreshold,
                                   totalThreshold)  # fmt: skip


class ResolveChoice(GlueTransform):
    """Resolves choice columns (cast, project, make_cols, make_struct, match_catalog)."""

    def __call__(
        self,
        frame: Any,
        specs: Any = None,
        choice: str = "",
        database: str | None = None,
        table_name: str | None = None,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
        catalog_id: str | None = None,
    ) -> Any:
        return frame.resolveChoice(specs, choice, database, table_name, transformation_ctx, info, stageThreshold,
                                   totalThreshold, catalog_id)  # fmt: skip


class DropNullFields(GlueTransform):
    """Drops the fields that are null in every record."""

    def __call__(
        self, frame: Any, transformation_ctx: str = "", info: str = "", stageThreshold: int = 0, totalThreshold: int = 0
    ) -> Any:
        return frame._drop_null_fields()


class DropFields(GlueTransform):
    def __call__(
        self,
        frame: Any,
        paths: Any,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> Any:
        return frame.drop_fields(paths, transformation_ctx, info, stageThreshold, totalThreshold)


class SelectFields(GlueTransform):
    def __call__(
        self,
        frame: Any,
        paths: Any,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> Any:
        return frame.select_fields(paths, transformation_ctx, info, stageThreshold, totalThreshold)


class RenameField(GlueTransform):
    def __call__(
        self,
        frame: Any,
        old_name: str,
        new_name: str,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> Any:
        return frame.rename_field(old_name, new_name, transformation_ctx, info, stageThreshold, totalThreshold)


class Filter(GlueTransform):
    def __call__(
        self,
        frame: Any,
        f: Any,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> Any:
        return frame.filter(f, transformation_ctx, info, stageThreshold, totalThreshold)


class Map(GlueTransform):
    def __call__(
        self,
        frame: Any,
        f: Any,
        preservesPartitioning: bool = False,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> Any:
        return frame.map(f, preservesPartitioning, transformation_ctx, info, stageThreshold, totalThreshold)


class Join(GlueTransform):
    def __call__(self, frame1: Any, frame2: Any, keys1: Any, keys2: Any, transformation_ctx: str = "") -> Any:
        return frame1.join(keys1, keys2, frame2)


class SplitFields(GlueTransform):
    def __call__(
        self,
        frame: Any,
        paths: Any,
        name1: str | None = None,
        name2: str | None = None,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> Any:
        base = frame.name or "frame"
        return frame.split_fields(paths, name1 or f"{base}1", name2 or f"{base}2", transformation_ctx, info,
                                  stageThreshold, totalThreshold)  # fmt: skip


class SplitRows(GlueTransform):
    def __call__(
        self,
        frame: Any,
        comparison_dict: Any,
        name1: str = "frame1",
        name2: str = "frame2",
        transformation_ctx: str = "",
        info: str | None = None,
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> Any:
        return frame.split_rows(comparison_dict, name1, name2, transformation_ctx, info or "", stageThreshold,
                                totalThreshold)  # fmt: skip


class Relationalize(GlueTransform):
    def __call__(
        self,
        frame: Any,
        staging_path: str | None = None,
        name: str = "roottable",
        options: Any = None,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> Any:
        return frame.relationalize(name, staging_path or "", options or {}, transformation_ctx, info,
                                   stageThreshold, totalThreshold)  # fmt: skip


class UnnestFrame(GlueTransform):
    def __call__(
        self, frame: Any, transformation_ctx: str = "", info: str = "", stageThreshold: int = 0, totalThreshold: int = 0
    ) -> Any:
        return frame.unnest(transformation_ctx, info, stageThreshold, totalThreshold)


Unnest = UnnestFrame  # the issue's (and many scripts') name for it


class Repartition(GlueTransform):
    def __call__(
        self,
        frame: Any,
        num_partitions: int,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> Any:
        return frame.repartition(num_partitions, transformation_ctx, info, stageThreshold, totalThreshold)


class Coalesce(GlueTransform):
    def __call__(
        self,
        frame: Any,
        num_partitions: int,
        shuffle: bool = False,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> Any:
        return frame.coalesce(num_partitions, shuffle, transformation_ctx, info, stageThreshold, totalThreshold)


class Union(GlueTransform):
    def __call__(
        self,
        frame1: Any,
        frame2: Any,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> Any:
        return frame1.union(frame2, transformation_ctx, info, stageThreshold, totalThreshold)


class SelectFromCollection(GlueTransform):
    def __call__(self, dfc: Any, key: str, transformation_ctx: str = "") -> Any:
        return dfc.select(key, transformation_ctx)


class MapToCollection(GlueTransform):
    def __call__(self, dfc: Any, callable: Any, transformation_ctx: str = "") -> Any:
        return dfc.map(callable, transformation_ctx)


class FlatMap(GlueTransform):
    def __call__(
        self, dfc: Any, BaseTransform: Any, frame_name: str, transformation_ctx: str = "", **base_kwargs: Any
    ) -> Any:
        def apply(frame: Any, ctx: str) -> Any:
            return BaseTransform.apply(**{frame_name: frame, "transformation_ctx": ctx, **base_kwargs})

        return dfc.flatmap(apply, transformation_ctx)


class ErrorsAsDynamicFrame(GlueTransform):
    def __call__(self, frame: Any) -> Any:
        return frame.errorsAsDynamicFrame()


class Spigot(GlueTransform):
    def __call__(self, frame: Any, path: str, options: Any, transformation_ctx: str = "") -> Any:
        return frame.spigot(path, options, transformation_ctx)


class Unbox(GlueTransform):
    """Not supported locally: calling it raises UnsupportedGlueApiError."""


ALL_TRANSFORMS = {ApplyMapping, ResolveChoice, DropNullFields, DropFields, SelectFields, RenameField, Filter, Map,
                  Join, SplitFields, SplitRows, Relationalize, UnnestFrame, Repartition, Coalesce, Union,
                  SelectFromCollection, MapToCollection, FlatMap, ErrorsAsDynamicFrame, Spigot, Unbox}  # fmt: skip
__all__ = [t.__name__ for t in ALL_TRANSFORMS] + ["GlueTransform", "Unnest"]
