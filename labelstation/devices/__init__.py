"""Printer and scanner drivers over pyserial transports, and device simulators.

Modules, one concept each:

* :mod:`~labelstation.devices.transport` — ``SerialSettings``, ``DeviceConfig(url, settings)``,
  ``open_transport``, ``list_ports``, ``Backoff``/``reconnect``.
* :mod:`~labelstation.devices.status` — ``PrinterStatus`` and ``PrinterIdentity`` (neutral).
* :mod:`~labelstation.devices.printer` — ``PrinterDriver`` protocol, ``StoredFormat``,
  ``LabelData``, the language registry (``register_language``, ``driver_factory``,
  ``open_printer``), ``LinkLost``.
* :mod:`~labelstation.devices.zpl` — the Zebra ZPL II driver and its protocol objects.
* :mod:`~labelstation.devices.job` — ``PrintJob``: paced stored-format printing with exact
  per-label accounting, pause on fault, resume/cancel.
* :mod:`~labelstation.devices.monitor` — ``PrinterMonitor``: status polling off the GUI thread.
* :mod:`~labelstation.devices.scanner` — ``ScannerFraming``, ``ScanEvent``/``ScanError``,
  ``ScannerReader``.
* :mod:`~labelstation.devices.sim` — the virtual printer and scanner.
"""
