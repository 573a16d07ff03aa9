#!/usr/bin/python3
"""A Modbus-TCP server on 127.0.0.1 holding known values, for tests and demos of the modbus-tcp driver.

Runs Debian's pymodbus 3.0 (python3-pymodbus, started with /usr/bin/python3; pyserial is not
needed). Prints "ready 127.0.0.1:PORT" on stdout once it listens; with --port 0 the system picks
the port. Stop it with SIGTERM or SIGKILL.

    /usr/bin/python3 scripts/modbus-server.py --port 5020 [--config values.json]

Without --config the server holds the demo values below (DEMO). A config file has the same shape:

    {
      "size": 100,                          addresses 0..size-1 exist in every area (default 100)
      "units": {                            unit ids the server answers; others get no answer.
        "1": {                              Leave "units" out and give the areas at the top level
          "holding_registers": {            to answer every unit id with the same values.
            "0": 235,                       a plain number: one register (0..65535, or -32768..-1)
            "2": {"int32": -123456},        typed values, encoded here with Python's struct:
            "4": {"float32": 23.5, "word_order": "little"}
          },                                int16 uint16 int32 uint32 float32 int64 float64;
          "input_registers": {},            word_order "big" (default: high word first) or
          "coils": {"0": true},             "little" (low word first)
          "discrete_inputs": {"1": true}
        }
      }
    }
"""
import argparse
import asyncio
import json
import logging
import struct
import sys
import types


def stand_in_for_serial_modules():
    """pymodbus.server imports pyserial and pyserial-asyncio, which only its serial servers use, and
    Debian installs them only as recommendations of python3-pymodbus. Without them this TCP server
    still runs: empty stand-ins satisfy the imports."""
    try:
        import serial  # noqa: F401
        import serial_asyncio  # noqa: F401
        return
    except ImportError:
        pass

    def unavailable(*_args, **_kwargs):
        raise RuntimeError("serial Modbus needs python3-serial-asyncio")

    serial_module = types.ModuleType("serial")
    serial_module.serialutil = types.SimpleNamespace(SerialException=OSError)
    serial_asyncio_module = types.ModuleType("serial_asyncio")
    serial_asyncio_module.create_serial_connection = unavailable
    sys.modules.setdefault("serial", serial_module)
    sys.modules.setdefault("serial_asyncio", serial_asyncio_module)


stand_in_for_serial_modules()

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server import StartAsyncTcpServer

AREAS = ("coils", "discrete_inputs", "input_registers", "holding_registers")
# struct format and register count of each typed value
TYPES = {
    "int16": (">h", 1), "uint16": (">H", 1),
    "int32": (">i", 2), "uint32": (">I", 2), "float32": (">f", 2),
    "int64": (">q", 4), "float64": (">d", 4),
}

DEMO = {
    "holding_registers": {
        "0": 235,                                            # 23.5 degC with scale 0.1
        "1": {"int16": -42},
        "2": {"uint16": 40000},
        "10": {"int32": -123456789},
        "12": {"int32": -123456789, "word_order": "little"},
        "14": {"uint32": 3000000000},
        "20": {"float32": 23.5},
        "22": {"float32": -1.25, "word_order": "little"},
        "30": {"int64": -1234567890123},
        "34": {"float64": 3.141592653589793},
    },
    "input_registers": {"0": 1013, "1": {"int16": -7}, "2": {"float32": 0.5}},
    "coils": {"0": True, "1": False, "2": True},
    "discrete_inputs": {"0": False, "1": True},
}


def registers(spec, where):
    """The register words of one value: a plain number or {"<type>": value, "word_order": ...}."""
    if isinstance(spec, bool):
        raise ValueError(f"{where}: true/false belongs in coils or discrete_inputs")
    if isinstance(spec, int):
        if not -32768 <= spec <= 65535:
            raise ValueError(f"{where}: {spec} does not fit a register")
        return [spec & 0xFFFF]
    if not isinstance(spec, dict):
        raise ValueError(f"{where}: expected a number or an object like {{\"int32\": 5}}")
    order = spec.get("word_order", "big")
    if order not in ("big", "little"):
        raise ValueError(f"{where}: word_order must be big or little")
    typed = [key for key in spec if key != "word_order"]
    if len(typed) != 1 or typed[0] not in TYPES:
        raise ValueError(f"{where}: name exactly one of {', '.join(TYPES)}")
    fmt, count = TYPES[typed[0]]
    data = struct.pack(fmt, spec[typed[0]])
    words = [int.from_bytes(data[i:i + 2], "big") for i in range(0, 2 * count, 2)]
    return words if order == "big" else list(reversed(words))


def area_values(name, entries, size, where):
    values = [False] * size if name in ("coils", "discrete_inputs") else [0] * size
    for key, spec in entries.items():
        address = int(key)
        here = f"{where}.{name}.{key}"
        if name in ("coils", "discrete_inputs"):
            words = [bool(spec)]
        else:
            words = registers(spec, here)
        if address < 0 or address + len(words) > size:
            raise ValueError(f"{here}: outside addresses 0..{size - 1}")
        values[address:address + len(words)] = words
    return values


def slave(unit, size, where):
    unknown = set(unit) - set(AREAS)
    if unknown:
        raise ValueError(f"{where}: unknown area(s) {', '.join(sorted(unknown))}; use {', '.join(AREAS)}")
    blocks = {name: ModbusSequentialDataBlock(0, area_values(name, unit.get(name, {}), size, where))
              for name in AREAS}
    # zero_mode: request address N is list index N (no 1-based shift)
    return ModbusSlaveContext(co=blocks["coils"], di=blocks["discrete_inputs"],
                              ir=blocks["input_registers"], hr=blocks["holding_registers"],
                              zero_mode=True)


def server_context(config):
    size = int(config.get("size", 100))
    if not 1 <= size <= 65536:
        raise ValueError("size must be 1..65536")
    if "units" in config:
        slaves = {int(unit): slave(values, size, f"units.{unit}") for unit, values in config["units"].items()}
        return ModbusServerContext(slaves=slaves, single=False)
    return ModbusServerContext(slaves=slave({k: v for k, v in config.items() if k != "size"}, size, "config"),
                               single=True)


async def serve(context, port):
    server = await StartAsyncTcpServer(context=context, address=("127.0.0.1", port), defer_start=True,
                                       allow_reuse_address=True)
    task = asyncio.create_task(server.serve_forever())
    # a bind failure ends the task before "serving" is ever set
    await asyncio.wait({task, server.serving}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        task.result()
    bound = server.server.sockets[0].getsockname()[1]
    print(f"ready 127.0.0.1:{bound}", flush=True)
    await task


def main():
    parser = argparse.ArgumentParser(description="Modbus-TCP server with known values (pymodbus)")
    parser.add_argument("--port", type=int, required=True, help="TCP port on 127.0.0.1; 0 picks a free one")
    parser.add_argument("--config", help="JSON file with the values to hold (default: the demo values)")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args()
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, stream=sys.stderr)
    try:
        config = DEMO
        if args.config:
            with open(args.config, encoding="utf-8") as file:
                config = json.load(file)
        context = server_context(config)
    except (OSError, ValueError, struct.error) as error:
        print(f"modbus-server: {error}", file=sys.stderr)
        sys.exit(2)
    try:
        asyncio.run(serve(context, args.port))
    except KeyboardInterrupt:
        pass
    except OSError as error:
        print(f"modbus-server: cannot listen on 127.0.0.1:{args.port}: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
