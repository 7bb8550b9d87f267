// The C++ side of the cosim harness: what design-specific transaction commands see.
//
// A generated main (cosim_main.cpp + the generated port table) owns the Verilated model and speaks
// a line protocol on stdin/stdout. Callers add commands in their own .cpp files, compiled into the
// same binary, by defining a static cosim::Command:
//
//   #include "cosim_harness.h"
//   static cosim::Command countUntil("count_until", "VALUE [LIMIT]",
//       [](cosim::Harness& h, const cosim::Args& a) -> std::string {
//         const uint64_t target = a.u64(0), limit = a.u64(1, 1000000);
//         const uint64_t start = h.cycle();
//         while (h.top->count != target) {
//           if (h.cycle() - start >= limit) throw cosim::Error("limit reached");
//           h.step();
//         }
//         return std::to_string(h.cycle() - start);  // reply: "ok <cycles>"
//       });
//
// The returned string becomes the reply `ok <string>`; throwing cosim::Error gives `err <message>`
// and the simulator keeps running. Ports are reached through the Verilated model (`h.top->in_valid`)
// or by name (`h.port("acc")`). One command is one transaction: run the cycles inside C++ and
// reply once, never one reply per cycle.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "Vtop.h"
#include "verilated.h"

namespace cosim {

/// A command failed in a way the caller should see; the reply is `err <what()>`.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// One top-level port, bound to the Verilated model's storage. Verilator stores a port of width
/// <= 8, 16, 32, 64 bits as uint8_t, uint16_t, uint32_t, uint64_t, wider ports as 32-bit words
/// (VlWide, least significant word first).
struct Port {
    const char* name;
    int width;
    bool input;
    bool isSigned;
    void* data;

    int words() const { return (width + 31) / 32; }
    /// The value as 32-bit words, least significant first (bits above `width` are zero).
    std::vector<uint32_t> get() const;
    /// Sets the value; `w` must have words() entries and no bits above `width`.
    void set(const std::vector<uint32_t>& w) const;
    /// Value as lowercase hex, zero-padded to (width+3)/4 digits, no prefix.
    std::string hex() const;
    /// Parses hex digits (optional 0x, '_' separators allowed); throws Error if it does not fit.
    void setHex(const std::string& text) const;
    /// Convenience for ports up to 64 bits wide (throws Error for wider ports).
    uint64_t u64() const;
    void setU64(uint64_t v) const;
};

/// The tokens after the command name, with parsers that throw Error naming the argument.
class Args {
public:
    Args(std::string command, std::vector<std::string> tokens)
        : m_command(std::move(command)), m_tokens(std::move(tokens)) {}
    size_t size() const { return m_tokens.size(); }
    const std::string& command() const { return m_command; }
    /// Token i as text; throws if missing.
    const std::string& str(size_t i) const;
    /// Token i as an unsigned integer: decimal, or hex with a 0x prefix.
    uint64_t u64(size_t i) const;
    /// Same, or `fallback` when the token is absent.
    uint64_t u64(size_t i, uint64_t fallback) const;
    /// Token i as a signed decimal (or 0x hex) integer.
    int64_t i64(size_t i) const;
    /// Throws unless there are between min and max tokens.
    void expect(size_t min, size_t max) const;

private:
    std::string m_command;
    std::vector<std::string> m_tokens;
};

/// The running simulation: the model, the clock, the cycle counter and the waveform.
class Harness {
public:
    Vtop* top = nullptr;
    VerilatedContext* context = nullptr;

    /// Clock cycles completed since start.
    uint64_t cycle() const { return m_cycle; }
    /// Settles combinational logic after pokes, without a clock edge.
    void eval();
    /// One full clock cycle (rising then falling edge), traced when waves are on. Throws Error if
    /// the design has called $finish.
    void step();
    /// n cycles.
    void step(uint64_t n);
    /// Holds reset high for n cycles, then releases it. Throws if the top has no reset port.
    void reset(uint64_t n);
    /// Port by Verilog name, or nullptr.
    const Port* port(const std::string& name) const;
    /// Port by name; throws Error naming the port if unknown.
    const Port& portOrThrow(const std::string& name) const;
    const std::vector<Port>& ports() const { return m_ports; }
    /// Presets an internal register by its path from the top (`dysta_scheduler.u_table.seq_next`;
    /// a flattened netlist's `\\u_table.seq_next ` has the same path) to a hex value, between clock
    /// edges. Only registers the build kept writable (BuildOptions.writable) can be written; throws
    /// Error naming the register otherwise, or if the value does not fit.
    void setRegister(const std::string& path, const std::string& hexValue);
    bool wavesOn() const;

    // Used by the generated main; not part of the command API.
    void init(Vtop* model, VerilatedContext* ctx);
    void waveOn(const std::string& path);
    void waveOff();
    void shutdown();

private:
    uint64_t m_cycle = 0;
    uint64_t m_time = 0;
    uint64_t m_halfPeriod = 5;
    uint64_t m_lastDump = 0;
    bool m_dumpedAny = false;
    std::vector<Port> m_ports;
    void* m_trace = nullptr;
    void dump();
};

using CommandFn = std::function<std::string(Harness&, const Args&)>;

/// Registers a protocol command when constructed (define it as a static object in a .cpp file).
class Command {
public:
    Command(const char* name, const char* usage, CommandFn fn);
};

/// Formats the low `width` bits of v as zero-padded lowercase hex.
std::string hex(uint64_t v, int width);

// --- Provided by the generated bindings file (cosim_bindings.cpp) ---
namespace gen {
extern const char* const kTopName;
extern const char* const kTraceFlavour;  // "fst", "vcd" or "none"
std::vector<Port> bindPorts(Vtop* top);
void setClock(Vtop* top, bool level);
/// Returns false if the design has no reset port.
bool setReset(Vtop* top, bool level);
}  // namespace gen

}  // namespace cosim
