// MCP and PACS proposal completeness, as data: the rows of workflows/criteria/proposal.ts.
import type { AutomaticCriterionRow, TableRule } from "./types.ts";

const BOTH_MODELS = ["MCP", "PACS"] as const;
const ALL_CHECKPOINTS = [1, 2, 3] as const;

/** A FEEL string literal. */
const text = (value: string) => JSON.stringify(value);

/** A rule failing on `fieldPath` (a fixed path) when `when` holds. */
function fails(when: string, fieldPath: string, message: string, missing: boolean): TableRule {
  return { when, outcome: "fail", message, fieldPath: text(fieldPath), missing };
}

export const contractOptionGiven: AutomaticCriterionRow = {
  id: "NCM-01",
  domain: "proposal",
  kind: "automatic",
  title: "Contract option given",
  rule:
    "Choose one of the three contract options offered to MCPs and PACS: virtual (an alliance agreement over " +
    "existing contracts), partially integrated, or fully integrated.",
  source: "S27, S28, S35",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "blocking",
  fieldPaths: ["contract.contractOption"],
  table: {
    rules: [
      fails(
        "contract.contractOption = null",
        "contract.contractOption",
        text("Select the contract option: virtual, partially integrated or fully integrated"),
        true,
      ),
    ],
  },
};

export const registeredListGiven: AutomaticCriterionRow = {
  id: "NCM-02",
  domain: "proposal",
  kind: "automatic",
  title: "Registered population and participating practices given",
  rule:
    "MCPs and PACS are built on the registered lists of the GP practices taking part. Give the registered " +
    "population and at least one participating practice, each with its name, ODS code and list size, and list " +
    "each practice once.",
  source: "S27, S35",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "blocking",
  fieldPaths: [
    "population.registeredPopulation",
    "population.practices",
    "population.practices[].name",
    "population.practices[].odsCode",
    "population.practices[].listSize",
  ],
  table: {
    let: [
      { name: "practices", value: "if population.practices = null then [] else population.practices" },
      { name: "odsCodes", value: "practices.odsCode" },
    ],
    // Wrong values first, then empty ones, each in the order the form asks for them.
    rules: [
      fails(
        "population.registeredPopulation = 0",
        "population.registeredPopulation",
        text("The registered population must be more than 0"),
        false,
      ),
      {
        // Cheap before the pass over every practice; two practices without a code also count here,
        // which only costs that pass.
        when: "count(distinct values(odsCodes)) < count(odsCodes)",
        forEach: { list: "practices", as: "p", index: "i" },
        let: [{ name: "first", value: "index of(odsCodes, p.odsCode)[1] - 1" }],
        rules: [
          {
            when: "p.odsCode != null and first < i",
            outcome: "fail",
            message:
              'p.odsCode + " is listed twice (practices " + string(first + 1) + " and " + string(i + 1) + "); list each practice once"',
            fieldPath: '"population.practices[" + string(i) + "].odsCode"',
            missing: false,
          },
        ],
      },
      fails("population.registeredPopulation = null", "population.registeredPopulation", text("Enter the registered population"), true),
      fails("count(practices) = 0", "population.practices", text("Add at least one participating GP practice"), true),
      {
        when: "anyBlank(practices.name) or list contains(odsCodes, null) or list contains(practices.listSize, null)",
        forEach: { list: "practices", as: "p", index: "i" },
        rules: [
          {
            when: "isBlank(p.name)",
            outcome: "fail",
            message: '"Enter the name of " + rowName(i, "practice", p.name)',
            fieldPath: '"population.practices[" + string(i) + "].name"',
            missing: true,
          },
          {
            when: "p.odsCode = null",
            outcome: "fail",
            message: '"Enter the ODS code of " + rowName(i, "practice", p.name)',
            fieldPath: '"population.practices[" + string(i) + "].odsCode"',
            missing: true,
          },
          {
            when: "p.listSize = null",
            outcome: "fail",
            message: '"Enter the list size of " + rowName(i, "practice", p.name)',
            fieldPath: '"population.practices[" + string(i) + "].listSize"',
            missing: true,
          },
        ],
      },
    ],
  },
};

export const mcpPopulationSize: AutomaticCriterionRow = {
  id: "NCM-03",
  domain: "proposal",
  kind: "automatic",
  title: "MCP covers at least 30,000 people",
  rule:
    "An MCP should cover at least about 30,000 to 50,000 registered patients. Below 30,000 this is a warning: " +
    "a smaller MCP may struggle to carry the range of services and the financial risk.",
  source: "S27, S30",
  appliesTo: { modelTypes: ["MCP"], checkpoints: ALL_CHECKPOINTS },
  severity: "warning",
  fieldPaths: ["population.registeredPopulation"],
  table: {
    rules: [
      { when: "population.registeredPopulation = null", outcome: "not_applicable" },
      fails(
        "population.registeredPopulation < 30000",
        "population.registeredPopulation",
        '"Your registered population of " + formatCount(population.registeredPopulation) + " is below the 30,000 an MCP usually needs"',
        false,
      ),
    ],
  },
};

export const mcpHubs: AutomaticCriterionRow = {
  id: "NCM-04",
  domain: "proposal",
  kind: "automatic",
  title: "MCP hubs of 30,000 to 50,000",
  rule:
    "An MCP organises care in hubs of roughly 30,000 to 50,000 people each; NHS England's fully integrated model " +
    "described MCPs of over 100,000 built from such hubs. Give each hub's name and population; hubs outside " +
    "30,000 to 50,000, or a fully integrated MCP under 100,000, are a warning.",
  source: "S29",
  appliesTo: { modelTypes: ["MCP"], checkpoints: ALL_CHECKPOINTS },
  severity: "warning",
  fieldPaths: ["population.hubs", "population.hubs[].name", "population.hubs[].population", "population.registeredPopulation"],
  table: {
    let: [
      { name: "hubs", value: "if population.hubs = null then [] else population.hubs" },
      {
        name: "outOfRange",
        value:
          "(for i in positions(hubs) return if hubs[i + 1].population != null and " +
          "(hubs[i + 1].population < 30000 or hubs[i + 1].population > 50000) " +
          'then {index: i, label: rowName(i, "hub", hubs[i + 1].name), population: hubs[i + 1].population} else null)[item != null]',
      },
      { name: "usual", value: text("MCP hubs usually serve 30,000 to 50,000") },
    ],
    // Every hub out of range is named, so fixing one does not reveal the next.
    rules: [
      fails(
        "count(hubs) = 0",
        "population.hubs",
        text("Add the hubs your MCP will organise care in (usually 30,000 to 50,000 people each)"),
        true,
      ),
      {
        when: "count(outOfRange) = 1",
        outcome: "fail",
        message: 'capitalise(outOfRange[1].label) + " serves " + formatCount(outOfRange[1].population) + " people; " + usual',
        fieldPath: '"population.hubs[" + string(outOfRange[1].index) + "].population"',
        missing: false,
      },
      {
        when: "count(outOfRange) > 1",
        outcome: "fail",
        message:
          'string(count(outOfRange)) + " of " + string(count(hubs)) + " hubs are outside the usual size (" + ' +
          'string join(for h in outOfRange return h.label + " " + formatCount(h.population), ", ") + "); " + usual',
        fieldPath: '"population.hubs[" + string(outOfRange[1].index) + "].population"',
        missing: false,
      },
      fails(
        'contract.contractOption = "fully_integrated" and population.registeredPopulation != null and population.registeredPopulation < 100000',
        "population.registeredPopulation",
        '"A fully integrated MCP usually covers over 100,000 people; yours covers " + formatCount(population.registeredPopulation)',
        false,
      ),
      {
        forEach: { list: "hubs", as: "h", index: "i" },
        let: [{ name: "hub", value: 'rowName(i, "hub", h.name)' }],
        rules: [
          {
            when: "isBlank(h.name)",
            outcome: "fail",
            message: '"Enter the name of " + hub',
            fieldPath: '"population.hubs[" + string(i) + "].name"',
            missing: true,
          },
          {
            when: "h.population = null",
            outcome: "fail",
            message: '"Enter the population of " + hub',
            fieldPath: '"population.hubs[" + string(i) + "].population"',
            missing: true,
          },
        ],
      },
    ],
  },
};

export const pacsPopulationSize: AutomaticCriterionRow = {
  id: "NCM-05",
  domain: "proposal",
  kind: "automatic",
  title: "PACS covers at least 250,000 people",
  rule: "A PACS typically covers at least about 250,000 people, roughly a local acute trust's catchment. Below that is a warning.",
  source: "S33",
  appliesTo: { modelTypes: ["PACS"], checkpoints: ALL_CHECKPOINTS },
  severity: "warning",
  fieldPaths: ["population.registeredPopulation"],
  table: {
    rules: [
      { when: "population.registeredPopulation = null", outcome: "not_applicable" },
      fails(
        "population.registeredPopulation < 250000",
        "population.registeredPopulation",
        '"Your registered population of " + formatCount(population.registeredPopulation) + " is below the 250,000 a PACS usually covers"',
        false,
      ),
    ],
  },
};

export const servicesInScope: AutomaticCriterionRow = {
  id: "NCM-06",
  domain: "proposal",
  kind: "automatic",
  title: "Services in scope fit the model",
  rule:
    "Both models are built on general practice, so it must be in scope. A PACS must include core acute hospital " +
    "services. An MCP may include community-facing hospital services (outpatients, diagnostics, urgent care) " +
    "but not core acute services: a model that takes those on is a PACS.",
  source: "S33, S34, S35",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "blocking",
  fieldPaths: ["population.servicesInScope", "population.servicesInScope[]"],
  table: {
    let: [{ name: "services", value: "if population.servicesInScope = null then [] else population.servicesInScope" }],
    rules: [
      fails("count(services) = 0", "population.servicesInScope", text("Select the services in scope"), true),
      fails(
        'not(list contains(services, "general_practice"))',
        "population.servicesInScope",
        text("Include general practice in the services in scope: both MCPs and PACS are built on it"),
        false,
      ),
      fails(
        'modelType = "PACS" and not(list contains(services, "core_acute"))',
        "population.servicesInScope",
        text("A PACS must include core acute hospital services; without them the model is an MCP"),
        false,
      ),
      {
        when: 'modelType = "MCP" and list contains(services, "core_acute")',
        outcome: "fail",
        message: text(
          "An MCP may take on outpatients, diagnostics and urgent care but not core acute hospital services; a model " +
            "that includes them is a PACS",
        ),
        fieldPath: '"population.servicesInScope[" + string(index of(services, "core_acute")[1] - 1) + "]"',
        missing: false,
      },
    ],
  },
};

export const gpParticipationRoute: AutomaticCriterionRow = {
  id: "NCM-07",
  domain: "proposal",
  kind: "automatic",
  title: "GP participation route fits the contract option",
  rule:
    "How GP practices take part follows from the contract option: in a virtual model through an alliance " +
    "agreement; in a partially integrated one practices keep their GMS, PMS or APMS contract and sign an " +
    "integration agreement; in a fully integrated one they suspend their GP contract (with a right to " +
    "reactivate it) or their GPs become employees or subcontractors.",
  source: "S31, S44b",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "blocking",
  fieldPaths: ["contract.gpParticipationRoute"],
  table: {
    let: [
      {
        name: "expected",
        value:
          'get value({"virtual": "alliance_agreement", "partially_integrated": "integration_agreement", ' +
          '"fully_integrated": "suspended_contract_or_employment"}, contract.contractOption)',
      },
      {
        name: "optionWords",
        value:
          'get value({"virtual": "virtual", "partially_integrated": "partially integrated", "fully_integrated": "fully integrated"}, ' +
          "contract.contractOption)",
      },
      {
        name: "routeWords",
        value:
          'get value({"alliance_agreement": "through an alliance agreement", ' +
          '"integration_agreement": "through an integration agreement, keeping their own GP contract", ' +
          '"suspended_contract_or_employment": "by suspending their GP contract, or with their GPs as employees or subcontractors"}, ' +
          "expected)",
      },
    ],
    rules: [
      fails("contract.gpParticipationRoute = null", "contract.gpParticipationRoute", text("Select how GP practices will take part"), true),
      { when: "contract.contractOption = null", outcome: "not_applicable" },
      fails(
        "contract.gpParticipationRoute != expected",
        "contract.gpParticipationRoute",
        '"In a " + optionWords + " model GP practices take part " + routeWords + "; change how practices take part or the contract option"',
        false,
      ),
    ],
  },
};

export const wholePopulationBudget: AutomaticCriterionRow = {
  id: "NCM-08",
  domain: "proposal",
  kind: "automatic",
  title: "Whole-population budget for a fully integrated contract",
  rule:
    "A fully integrated contract is paid through a single whole-population budget: a capitated sum for the " +
    "registered population, an estimate for unregistered patients, and a performance payment (as a percentage) " +
    "paid when outcomes are met. Give all three.",
  source: "S28, S29",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "blocking",
  fieldPaths: [
    "finance.budget.capitatedSumPence",
    "finance.budget.unregisteredPatientsEstimatePence",
    "finance.budget.performancePaymentPercent",
  ],
  table: {
    rules: [
      { when: 'contract.contractOption != "fully_integrated"', outcome: "not_applicable" },
      fails(
        "finance.budget.capitatedSumPence = null",
        "finance.budget.capitatedSumPence",
        text("Enter the capitated sum of the whole-population budget"),
        true,
      ),
      fails(
        "finance.budget.capitatedSumPence = 0",
        "finance.budget.capitatedSumPence",
        text("The capitated sum must be more than £0"),
        false,
      ),
      fails(
        "finance.budget.unregisteredPatientsEstimatePence = null",
        "finance.budget.unregisteredPatientsEstimatePence",
        text("Enter the estimate for unregistered patients in the whole-population budget"),
        true,
      ),
      fails(
        "finance.budget.performancePaymentPercent = null",
        "finance.budget.performancePaymentPercent",
        text("Enter the performance payment as a percentage of the contract sum"),
        true,
      ),
    ],
  },
};

export const acuteRiskShare: AutomaticCriterionRow = {
  id: "NCM-09",
  domain: "proposal",
  kind: "automatic",
  title: "Fully integrated MCP shares risk with acute providers",
  rule:
    "A fully integrated MCP takes on spending that drives activity in local hospitals, so it must have a risk or " +
    "gain share with the local acute providers (for example on avoidable secondary-care activity), and describe it.",
  source: "S29",
  appliesTo: { modelTypes: ["MCP"], checkpoints: ALL_CHECKPOINTS },
  severity: "blocking",
  fieldPaths: ["finance.riskGainShare.hasRiskShare", "finance.riskGainShare.description"],
  table: {
    rules: [
      { when: 'contract.contractOption != "fully_integrated"', outcome: "not_applicable" },
      fails(
        "finance.riskGainShare.hasRiskShare = false",
        "finance.riskGainShare.hasRiskShare",
        text("A fully integrated MCP needs a risk or gain share with its local acute providers"),
        false,
      ),
      fails(
        "isBlank(finance.riskGainShare.description)",
        "finance.riskGainShare.description",
        text("Describe the risk or gain share with your local acute providers"),
        true,
      ),
    ],
  },
};

export const contractHolderForm: AutomaticCriterionRow = {
  id: "NCM-10",
  domain: "proposal",
  kind: "automatic",
  title: "Contract holder's form given",
  rule:
    "Once there is a preferred bidder (checkpoint 2 onwards), say what form the organisation holding the " +
    "contract takes: an existing NHS provider, a new NHS trust, a joint venture, a social enterprise or a " +
    "limited liability partnership. A new NHS trust is a new legal entity.",
  source: "S35, S36, S50a",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: [2, 3] },
  severity: "blocking",
  fieldPaths: ["contract.contractHolderForm", "contract.createsNewLegalEntity"],
  table: {
    rules: [
      fails(
        "contract.contractHolderForm = null",
        "contract.contractHolderForm",
        text("Select the form of the organisation that will hold the contract"),
        true,
      ),
      fails(
        'contract.contractHolderForm = "new_nhs_trust" and contract.createsNewLegalEntity = false',
        "contract.createsNewLegalEntity",
        text("A new NHS trust is a new legal entity; change this answer or the contract holder's form"),
        false,
      ),
    ],
  },
};

export const contractTermAndValue: AutomaticCriterionRow = {
  id: "NCM-11",
  domain: "proposal",
  kind: "automatic",
  title: "Contract term and value given",
  rule:
    "Give the contract term in years and the annual contract value. There is no national threshold; reviewers " +
    "use them to judge scale and risk (Dudley's MCP was planned at 10 to 15 years and about £250 million a year).",
  source: "S50a, S50b",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "warning",
  fieldPaths: ["contract.contractTermYears", "contract.annualContractValuePence"],
  table: {
    rules: [
      fails("contract.contractTermYears = null", "contract.contractTermYears", text("Enter the contract term in years"), true),
      fails("contract.annualContractValuePence = null", "contract.annualContractValuePence", text("Enter the annual contract value"), true),
      fails(
        "contract.annualContractValuePence = 0",
        "contract.annualContractValuePence",
        text("The annual contract value must be more than £0"),
        false,
      ),
    ],
  },
};

export const knownVanguard: AutomaticCriterionRow = {
  id: "NCM-12",
  domain: "proposal",
  kind: "automatic",
  title: "Vanguard is one of the 50",
  rule: "A proposal that comes from a vanguard must name one of the 50 new care model vanguards by its number.",
  source: "S37, S38, S39, S40, S41",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "blocking",
  fieldPaths: ["about.vanguardNumber"],
  table: {
    rules: [
      { when: "about.vanguardNumber = null or reference = null", outcome: "not_applicable" },
      fails(
        "not(list contains(reference.vanguardNumbers, about.vanguardNumber))",
        "about.vanguardNumber",
        '"There is no vanguard number " + string(about.vanguardNumber) + "; choose one of the 50 vanguards"',
        false,
      ),
    ],
  },
};

export const knownFootprint: AutomaticCriterionRow = {
  id: "NCM-13",
  domain: "proposal",
  kind: "automatic",
  title: "Footprint is one of the 44",
  rule: "The proposal must belong to one of the 44 sustainability and transformation plan footprints.",
  source: "S45",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "blocking",
  fieldPaths: ["about.footprintCode"],
  table: {
    rules: [
      fails("about.footprintCode = null", "about.footprintCode", text("Select the footprint"), true),
      { when: "reference = null", outcome: "not_applicable" },
      fails(
        "not(list contains(reference.footprintCodes, about.footprintCode))",
        "about.footprintCode",
        'about.footprintCode + " is not one of the 44 footprints; choose the footprint again"',
        false,
      ),
    ],
  },
};

export const listSizesMatchPopulation: AutomaticCriterionRow = {
  id: "NCM-14",
  domain: "proposal",
  kind: "automatic",
  title: "Practice list sizes add up to the registered population",
  rule:
    "The participating practices' list sizes should add up to the registered population, within 5%. A bigger " +
    "gap usually means a practice is missing or a figure is out of date. (Derived from NCM-02: the registered " +
    "population is the practices' combined lists.)",
  source: "S27, S35",
  appliesTo: { modelTypes: BOTH_MODELS, checkpoints: ALL_CHECKPOINTS },
  severity: "warning",
  fieldPaths: ["population.registeredPopulation"],
  table: {
    let: [
      { name: "registered", value: "population.registeredPopulation" },
      { name: "practices", value: "if population.practices = null then [] else population.practices" },
    ],
    rules: [
      // Until every list size is in, the sum means nothing and NCM-02 already asks for the rest.
      {
        when: "registered = null or registered = 0 or count(practices) = 0 or list contains(practices.listSize, null)",
        outcome: "not_applicable",
      },
      fails(
        "abs(sum(practices.listSize) - registered) / registered > 0.05",
        "population.registeredPopulation",
        '"Your practices\' list sizes add up to " + formatCount(sum(practices.listSize)) + ", which is more than 5% away from the registered population of " + formatCount(registered)',
        false,
      ),
    ],
  },
};

export const proposalRows: readonly AutomaticCriterionRow[] = [
  contractOptionGiven,
  registeredListGiven,
  mcpPopulationSize,
  mcpHubs,
  pacsPopulationSize,
  servicesInScope,
  gpParticipationRoute,
  wholePopulationBudget,
  acuteRiskShare,
  contractHolderForm,
  contractTermAndValue,
  knownVanguard,
  knownFootprint,
  listSizesMatchPopulation,
];
