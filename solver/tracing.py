"""Torch-function modes that watch the sampler's host side: count torch calls, refuse host
syncs, and check device placement without a GPU.

Every torch function, tensor method and tensor property a Python line calls passes
through the active `TorchFunctionMode` (nested calls inside a handler do not), so these
modes see what the host asks of the device, one entry per call:

- `CallCounter`: calls by name, and how many of them make the host wait for the device
  (`is_sync`): reading a value (`item`, `tolist`, `bool(t)`, `int(t)`), copies to the
  host, and ops whose output shape depends on the data (`nonzero`, `unique`, boolean-mask
  indexing, `bincount`, `repeat_interleave` by a tensor, `torch.equal`, ...).
- `NoSync`: raises `HostSync` on the first such call (the sampler's sweeps must not wait).
- `DevicePlacement`: simulates a second device on the CPU. The sampler runs on
  `torch.device("cpu", 0)`, which torch treats as the CPU but which a call's arguments
  can tell apart from a plain `"cpu"`: tensors made with that device, moved to it, or
  computed from such tensors are tagged "device", everything else is "host", and a call
  that meets both (indexing a host tensor with a device mask, adding a host tensor to a
  device one) raises `DeviceMix`, as CUDA would (or would after a hidden copy). Reading
  `t.device` of a tagged tensor answers `cpu:0`, so `device=t.device` keeps the tag.

The modes import nothing of the sampler; tests and `bench/sampler_calls.py` use them.
"""

from __future__ import annotations

import weakref
from collections import Counter

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._pytree import tree_flatten

SIM_DEVICE = torch.device("cpu", 0)  # the simulated device of `DevicePlacement`

# calls that read device data on the host (a sync on CUDA) or copy to the host
_READS = {"item", "tolist", "numpy", "cpu", "__bool__", "__int__", "__float__", "__index__",
          "__complex__", "__array__", "__format__", "__repr__", "equal", "allclose",
          "is_nonzero", "_local_scalar_dense"}
# ops whose output shape depends on the data (the host must read a size first)
_SHAPES = {"nonzero", "argwhere", "unique", "unique_consecutive", "masked_select", "bincount",
           "nonzero_static_fallback", "histc"}
# metadata reads (no kernel, no sync), counted apart from ops
_META = {"__get__", "size", "dim", "stride", "numel", "__len__", "data_ptr", "is_contiguous",
         "storage_offset", "element_size", "is_floating_point", "__hash__"}


def _name(func) -> str:
    name = getattr(func, "__name__", str(func))
    if name == "__get__":  # a property: name it (shape, device, T, ...)
        return "." + getattr(getattr(func, "__self__", None), "__name__", "?")
    return name


def _has_bool_index(args) -> bool:
    flat, _ = tree_flatten(args[1:] if args else ())
    return any(isinstance(a, torch.Tensor) and a.dtype in (torch.bool, torch.uint8) for a in flat)


def _target_device(args, kwargs):
    """The device a `to` call moves to (None: a dtype-only conversion)."""
    for a in list(args[1:]) + list(kwargs.values()):
        if isinstance(a, torch.device):
            return a
        if isinstance(a, str):
            try:
                return torch.device(a)
            except RuntimeError:
                pass
        if isinstance(a, torch.Tensor):
            return a.device
    return None


def is_sync(func, args=(), kwargs=None) -> bool:
    """Does this call make the host wait for the device (on CUDA), or copy to the host?"""
    kwargs = kwargs or {}
    name = getattr(func, "__name__", "")
    if name in _READS or name in _SHAPES:
        return True
    if name == "where" and len(args) + len(kwargs) == 1:  # torch.where(cond): nonzero
        return True
    if name == "repeat_interleave":
        repeats = args[1] if len(args) > 1 else kwargs.get("repeats")
        return isinstance(repeats, torch.Tensor) and repeats.numel() > 1 and "output_size" not in kwargs
    if name in ("__getitem__", "__setitem__", "index_put", "index_put_", "masked_scatter", "masked_scatter_"):
        return name.startswith("masked") or _has_bool_index(args)
    if name in ("to", "copy_"):
        target = _target_device(args, kwargs)
        return target is not None and target.type == "cpu" and isinstance(args[0], torch.Tensor) \
            and args[0].device.type != "cpu"
    return False


class CallCounter(TorchFunctionMode):
    """Counts torch calls: `ops` (kernels and views), `meta` (shape, device, ...) and
    `syncs`, with `names` a Counter of every call by name."""

    def __init__(self):
        super().__init__()
        self.names: Counter = Counter()
        self.sync_names: Counter = Counter()
        self.ops = self.meta = self.syncs = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = _name(func)
        self.names[name] += 1
        if name.startswith(".") or name in _META:
            self.meta += 1
        else:
            self.ops += 1
        if is_sync(func, args, kwargs):
            self.syncs += 1
            self.sync_names[name] += 1
        return func(*args, **kwargs)

    @property
    def calls(self) -> int:
        return self.ops + self.meta


class HostSync(AssertionError):
    """A call that would make the host wait for the device."""


class NoSync(TorchFunctionMode):
    """Raises HostSync on any call for which `is_sync` holds (and on any device transfer:
    tables belong on the device before the sweeps start)."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = getattr(func, "__name__", "")
        if is_sync(func, args, kwargs) or name in ("cuda",) or \
                (name == "to" and _target_device(args, kwargs) is not None):
            raise HostSync(f"host sync inside the sweeps: {_name(func)}")
        return func(*args, **kwargs)


class DeviceMix(AssertionError):
    """A call that meets tensors of the simulated device and of the host."""


_TAG = "_on_sim_device"


def _tagged(t: torch.Tensor) -> bool:
    # a module's parameters keep their Python object when the module moves (`param.data`
    # is swapped), so they count as placed: a model on the wrong device is CUDA's to catch
    return t.__dict__.get(_TAG, False) or isinstance(t, torch.nn.Parameter)


def _is_sim(device) -> bool:
    if device is None:
        return False
    try:
        return torch.device(device) == SIM_DEVICE
    except (RuntimeError, TypeError):
        return False


class DevicePlacement(TorchFunctionMode):
    """Run code whose device is `SIM_DEVICE` under this mode: every call that meets both
    device-tagged and host tensors raises DeviceMix (see the module docstring). Host
    0-dim tensors may meet device tensors in arithmetic (CUDA allows CPU scalars there),
    not as indices. Transfers (`to`, `cpu`, `copy_`) may cross."""

    transfers = {"to", "cpu", "cuda", "copy_", "tolist", "item", "numpy", "__bool__", "__int__",
                 "__float__", "__index__", "__format__", "__repr__"}

    def __init__(self):
        super().__init__()
        self.calls = 0
        self.mixes_seen: list[str] = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = getattr(func, "__name__", "")
        if name == "__get__" and getattr(func, "__self__", None) is torch._C.TensorBase.device:
            t = args[0]
            return SIM_DEVICE if _tagged(t) else func(*args, **kwargs)
        self.calls += 1
        flat, _ = tree_flatten((args, kwargs))
        tensors = [a for a in flat if isinstance(a, torch.Tensor)]
        on = [t for t in tensors if _tagged(t)]
        off = [t for t in tensors if not _tagged(t)]
        indexing = name in ("__getitem__", "__setitem__", "index_select", "gather", "scatter",
                            "scatter_", "scatter_add", "scatter_add_", "index_put", "index_put_",
                            "index_add", "index_add_", "take", "take_along_dim")
        if on and off and name not in self.transfers:
            if indexing or any(t.dim() > 0 for t in off):
                what = ", ".join(f"{tuple(t.shape)} {'device' if _tagged(t) else 'host'}"
                                 for t in tensors)
                raise DeviceMix(f"{_name(func)} meets device and host tensors: {what}")
        device = kwargs.get("device")
        if name == "to":
            target = _target_device(args, kwargs)
            sim = _is_sim(target) if target is not None else bool(on)
        elif name in ("cpu", "numpy", "tolist"):
            sim = False
        elif device is not None:
            sim = _is_sim(device)
        elif name == "copy_":
            sim = bool(tensors) and _tagged(tensors[0])
        else:
            sim = bool(on)
        out = func(*args, **kwargs)
        if name in ("to", "cpu", "cuda") and out is args[0] and _tagged(out) != sim:
            out = out.view_as(out)  # a no-op move returns its input: tag an alias instead
        for t in tree_flatten(out)[0]:
            if isinstance(t, torch.Tensor):
                if name.endswith("_") and t is (args[0] if args else None):
                    continue  # in place: the tensor keeps its own tag
                t.__dict__[_TAG] = sim
        return out


class MemoryPeak(TorchFunctionMode):
    """The peak bytes of tensor storage that calls under this mode created and Python
    still holds (`peak`, `now`): each output's storage counts from its first tensor
    until the last tensor made here that views it is gone. Tensors made outside (inputs)
    and temporaries inside a single call are not seen, so this is a lower bound of what
    an allocator would hold; it is exact enough to size batches."""

    def __init__(self):
        super().__init__()
        self.now = self.peak = 0
        self._held: dict[int, list[int]] = {}  # storage address -> [nbytes, live tensors]

    def _release(self, key: int):
        entry = self._held.get(key)
        if entry is None:
            return
        entry[1] -= 1
        if entry[1] == 0:
            self.now -= entry[0]
            del self._held[key]

    def __torch_function__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        seen = {id(a) for a in tree_flatten((args, kwargs or {}))[0] if isinstance(a, torch.Tensor)}
        for t in tree_flatten(out)[0]:
            if not isinstance(t, torch.Tensor) or id(t) in seen or t.device.type == "meta":
                continue
            storage = t.untyped_storage()
            key = storage.data_ptr()
            if key == 0:
                continue
            entry = self._held.get(key)
            if entry is None:
                entry = self._held[key] = [storage.nbytes(), 0]
                self.now += entry[0]
                self.peak = max(self.peak, self.now)
            entry[1] += 1
            weakref.finalize(t, self._release, key)
        return out
