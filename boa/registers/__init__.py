"""The register catalogue ("Data content", SPEC 3.1): every register of the basic data bank with
its years, update frequency, whether it is released, and its variables with documentation links.
Public to read; Research Services maintain it. The schemes pick registers from here, so this
capability imports none of them."""
