"""readq: turn daily research-paper digests into a reading queue."""

__version__ = "0.1.0"


class LazyCommands(dict):  # type: ignore[type-arg]
    """The command line's commands by name, some given as "module:attribute" and imported when
    first looked up (`readq sync`), so `import readq.cli` loads no more of readq than it did."""

    def get(self, name: str, default: object = None) -> object:  # type: ignore[override]
        value = super().get(name, default)
        if isinstance(value, str):
            import importlib

            module, _, attr = value.partition(":")
            value = self[name] = getattr(importlib.import_module(module), attr)
        return value
