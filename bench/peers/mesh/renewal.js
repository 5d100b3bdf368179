// Renewal eligibility from the MedicationRequest alone (Millennium has no MedicationDispense search):
// the same reasons the gateway uses where the request itself decides them.
const DAY = 24 * 3600 * 1000;

function renewal(rx) {
  const status = rx.status || "";
  if (status !== "active" && status !== "completed") return { eligible: false, reason: "INACTIVE" };
  const end = rx.dispenseRequest && rx.dispenseRequest.validityPeriod && rx.dispenseRequest.validityPeriod.end;
  if (end && Date.parse(end) + DAY <= Date.now()) return { eligible: true, reason: "EXPIRED" };
  const allowed = rx.dispenseRequest ? rx.dispenseRequest.numberOfRepeatsAllowed : undefined;
  if (allowed === 0) return { eligible: true, reason: "NO_REFILLS_LEFT" };
  return { eligible: false, reason: "HAS_REFILLS" };
}

module.exports = {
  resolvers: {
    MedicationRequest: {
      renewal: {
        selectionSet: "{ status dispenseRequest { numberOfRepeatsAllowed validityPeriod { end } } }",
        resolve: (root) => renewal(root),
      },
    },
  },
};
