// MCP and PACS proposal completeness (domain research §3.1 table B).
import type { ContractOption, GpParticipationRoute } from "../submission.ts";
import {
  appliesTo,
  capitalise,
  firstFailure,
  formatCount,
  formatPercent,
  invalid,
  isBlank,
  missing,
  notApplicable,
  pass,
  rowName,
} from "./helpers.ts";
import type { AutomaticCriterion, CheckOutcome } from "./types.ts";

export const contractOptionGiven: AutomaticCriterion = {
  id: "NCM-01",
  domain: "proposal",
  kind: "automatic",
  title: "Contract option given",
  rule:
    "Choose one of the three contract options offered to MCPs and PACS: virtual (an alliance agreement over " +
    "existing contracts), partially integrated, or fully integrated.",
  source: "S27, S28, S35",
  appliesTo: appliesTo(),
  severity: "blocking",
  fieldPaths: ["contract.contractOption"],
  check: (content) =>
    content.contract?.contractOption === undefined
      ? missing("contract.contractOption", "Select the contract option: virtual, partially integrated or fully integrated")
      : pass(),
};

export const registeredListGiven: AutomaticCriterion = {
  id: "NCM-02",
  domain: "proposal",
  kind: "automatic",
  title: "Registered population and participating practices given",
  rule:
    "MCPs and PACS are built on the registered lists of the GP practices taking part. Give the registered " +
    "population and at least one participating practice, each with its name, ODS code and list size, and list " +
    "each practice once.",
  source: "S27, S35",
  appliesTo: appliesTo(),
  severity: "blocking",
  fieldPaths: [
    "population.registeredPopulation",
    "population.practices",
    "population.practices[].name",
    "population.practices[].odsCode",
    "population.practices[].listSize",
  ],
  check: (content) => {
    const population = content.population;
    const failures: CheckOutcome[] = [];
    if (population?.registeredPopulation === undefined) {
      failures.push(missing("population.registeredPopulation", "Enter the registered population"));
    } else if (population.registeredPopulation === 0) {
      failures.push(invalid("population.registeredPopulation", "The registered population must be more than 0"));
    }
    const practices = population?.practices ?? [];
    if (practices.length === 0) {
      failures.push(missing("population.practices", "Add at least one participating GP practice"));
    }
    const seen = new Map<string, number>();
    practices.forEach((practice, index) => {
      const at = `population.practices[${index}]`;
      const name = rowName(index, "practice", practice.name);
      if (isBlank(practice.name)) failures.push(missing(`${at}.name`, `Enter the name of ${name}`));
      if (practice.odsCode === undefined) {
        failures.push(missing(`${at}.odsCode`, `Enter the ODS code of ${name}`));
      } else if (seen.has(practice.odsCode)) {
        failures.push(
          invalid(
            `${at}.odsCode`,
            `${practice.odsCode} is listed twice (practices ${(seen.get(practice.odsCode) ?? 0) + 1} and ` +
              `${index + 1}); list each practice once`,
          ),
        );
      } else {
        seen.set(practice.odsCode, index);
      }
      if (practice.listSize === undefined) failures.push(missing(`${at}.listSize`, `Enter the list size of ${name}`));
    });
    return firstFailure(failures) ?? pass();
  },
};

const MCP_MINIMUM_POPULATION = 30_000;

export const mcpPopulationSize: AutomaticCriterion = {
  id: "NCM-03",
  domain: "proposal",
  kind: "automatic",
  title: "MCP covers at least 30,000 people",
  rule:
    "An MCP should cover at least about 30,000 to 50,000 registered patients. Below 30,000 this is a warning: " +
    "a smaller MCP may struggle to carry the range of services and the financial risk.",
  source: "S27, S30",
  appliesTo: appliesTo(["MCP"]),
  severity: "warning",
  fieldPaths: ["population.registeredPopulation"],
  check: (content) => {
    const registered = content.population?.registeredPopulation;
    if (registered === undefined) return notApplicable();
    return registered < MCP_MINIMUM_POPULATION
      ? invalid(
          "population.registeredPopulation",
          `Your registered population of ${formatCount(registered)} is below the ${formatCount(MCP_MINIMUM_POPULATION)} ` +
            "an MCP usually needs",
        )
      : pass();
  },
};

const HUB_MINIMUM = 30_000;
const HUB_MAXIMUM = 50_000;
const FULLY_INTEGRATED_MCP_MINIMUM = 100_000;

export const mcpHubs: AutomaticCriterion = {
  id: "NCM-04",
  domain: "proposal",
  kind: "automatic",
  title: "MCP hubs of 30,000 to 50,000",
  rule:
    "An MCP organises care in hubs of roughly 30,000 to 50,000 people each; NHS England's fully integrated model " +
    "described MCPs of over 100,000 built from such hubs. Give each hub's name and population; hubs outside " +
    "30,000 to 50,000, or a fully integrated MCP under 100,000, are a warning.",
  source: "S29",
  appliesTo: appliesTo(["MCP"]),
  severity: "warning",
  fieldPaths: ["population.hubs", "population.hubs[].name", "population.hubs[].population", "population.registeredPopulation"],
  check: (content) => {
    const hubs = content.population?.hubs ?? [];
    if (hubs.length === 0) {
      return missing(
        "population.hubs",
        `Add the hubs your MCP will organise care in (usually ${formatCount(HUB_MINIMUM)} to ${formatCount(HUB_MAXIMUM)} people each)`,
      );
    }
    const failures: CheckOutcome[] = [];
    const outOfRange: { index: number; name: string; population: number }[] = [];
    hubs.forEach((hub, index) => {
      const at = `population.hubs[${index}]`;
      const name = rowName(index, "hub", hub.name);
      if (isBlank(hub.name)) failures.push(missing(`${at}.name`, `Enter the name of ${name}`));
      if (hub.population === undefined) {
        failures.push(missing(`${at}.population`, `Enter the population of ${name}`));
      } else if (hub.population < HUB_MINIMUM || hub.population > HUB_MAXIMUM) {
        outOfRange.push({ index, name, population: hub.population });
      }
    });
    const usual = `MCP hubs usually serve ${formatCount(HUB_MINIMUM)} to ${formatCount(HUB_MAXIMUM)}`;
    const [first] = outOfRange;
    if (first && outOfRange.length === 1) {
      failures.push(
        invalid(
          `population.hubs[${first.index}].population`,
          `${capitalise(first.name)} serves ${formatCount(first.population)} people; ${usual}`,
        ),
      );
    } else if (first) {
      // Every hub out of range is named, so fixing one does not reveal the next.
      const each = outOfRange.map((hub) => `${hub.name} ${formatCount(hub.population)}`).join(", ");
      failures.push(
        invalid(
          `population.hubs[${first.index}].population`,
          `${outOfRange.length} of ${hubs.length} hubs are outside the usual size (${each}); ${usual}`,
        ),
      );
    }
    const registered = content.population?.registeredPopulation;
    if (content.contract?.contractOption === "fully_integrated" && registered !== undefined && registered < FULLY_INTEGRATED_MCP_MINIMUM) {
      failures.push(
        invalid(
          "population.registeredPopulation",
          `A fully integrated MCP usually covers over ${formatCount(FULLY_INTEGRATED_MCP_MINIMUM)} people; yours ` +
            `covers ${formatCount(registered)}`,
        ),
      );
    }
    return firstFailure(failures) ?? pass();
  },
};

const PACS_MINIMUM_POPULATION = 250_000;

export const pacsPopulationSize: AutomaticCriterion = {
  id: "NCM-05",
  domain: "proposal",
  kind: "automatic",
  title: "PACS covers at least 250,000 people",
  rule: "A PACS typically covers at least about 250,000 people, roughly a local acute trust's catchment. Below that " + "is a warning.",
  source: "S33",
  appliesTo: appliesTo(["PACS"]),
  severity: "warning",
  fieldPaths: ["population.registeredPopulation"],
  check: (content) => {
    const registered = content.population?.registeredPopulation;
    if (registered === undefined) return notApplicable();
    return registered < PACS_MINIMUM_POPULATION
      ? invalid(
          "population.registeredPopulation",
          `Your registered population of ${formatCount(registered)} is below the ${formatCount(PACS_MINIMUM_POPULATION)} ` +
            "a PACS usually covers",
        )
      : pass();
  },
};

export const servicesInScope: AutomaticCriterion = {
  id: "NCM-06",
  domain: "proposal",
  kind: "automatic",
  title: "Services in scope fit the model",
  rule:
    "Both models are built on general practice, so it must be in scope. A PACS must include core acute hospital " +
    "services. An MCP may include community-facing hospital services (outpatients, diagnostics, urgent care) " +
    "but not core acute services: a model that takes those on is a PACS.",
  source: "S33, S34, S35",
  appliesTo: appliesTo(),
  severity: "blocking",
  fieldPaths: ["population.servicesInScope", "population.servicesInScope[]"],
  check: (content, ctx) => {
    const services = content.population?.servicesInScope ?? [];
    if (services.length === 0) {
      return missing("population.servicesInScope", "Select the services in scope");
    }
    if (!services.includes("general_practice")) {
      return invalid("population.servicesInScope", "Include general practice in the services in scope: both MCPs and PACS are built on it");
    }
    if (ctx.modelType === "PACS" && !services.includes("core_acute")) {
      return invalid("population.servicesInScope", "A PACS must include core acute hospital services; without them the model is an MCP");
    }
    const acute = services.indexOf("core_acute");
    if (ctx.modelType === "MCP" && acute >= 0) {
      return invalid(
        `population.servicesInScope[${acute}]`,
        "An MCP may take on outpatients, diagnostics and urgent care but not core acute hospital services; a model " +
          "that includes them is a PACS",
      );
    }
    return pass();
  },
};

const ROUTE_FOR_OPTION: Record<ContractOption, GpParticipationRoute> = {
  virtual: "alliance_agreement",
  partially_integrated: "integration_agreement",
  fully_integrated: "suspended_contract_or_employment",
};

const OPTION_WORDS: Record<ContractOption, string> = {
  virtual: "virtual",
  partially_integrated: "partially integrated",
  fully_integrated: "fully integrated",
};

const ROUTE_WORDS: Record<GpParticipationRoute, string> = {
  alliance_agreement: "through an alliance agreement",
  integration_agreement: "through an integration agreement, keeping their own GP contract",
  suspended_contract_or_employment: "by suspending their GP contract, or with their GPs as employees or subcontractors",
};

export const gpParticipationRoute: AutomaticCriterion = {
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
  appliesTo: appliesTo(),
  severity: "blocking",
  fieldPaths: ["contract.gpParticipationRoute"],
  check: (content) => {
    const route = content.contract?.gpParticipationRoute;
    if (route === undefined) {
      return missing("contract.gpParticipationRoute", "Select how GP practices will take part");
    }
    const option = content.contract?.contractOption;
    if (option === undefined) return notApplicable();
    const expected = ROUTE_FOR_OPTION[option];
    return route === expected
      ? pass()
      : invalid(
          "contract.gpParticipationRoute",
          `In a ${OPTION_WORDS[option]} model GP practices take part ${ROUTE_WORDS[expected]}; change how ` +
            "practices take part or the contract option",
        );
  },
};

export const wholePopulationBudget: AutomaticCriterion = {
  id: "NCM-08",
  domain: "proposal",
  kind: "automatic",
  title: "Whole-population budget for a fully integrated contract",
  rule:
    "A fully integrated contract is paid through a single whole-population budget: a capitated sum for the " +
    "registered population, an estimate for unregistered patients, and a performance payment (as a percentage) " +
    "paid when outcomes are met. Give all three.",
  source: "S28, S29",
  appliesTo: appliesTo(),
  severity: "blocking",
  fieldPaths: [
    "finance.budget.capitatedSumPence",
    "finance.budget.unregisteredPatientsEstimatePence",
    "finance.budget.performancePaymentPercent",
  ],
  check: (content) => {
    if (content.contract?.contractOption !== "fully_integrated") return notApplicable();
    const budget = content.finance?.budget;
    if (budget?.capitatedSumPence === undefined) {
      return missing("finance.budget.capitatedSumPence", "Enter the capitated sum of the whole-population budget");
    }
    if (budget.capitatedSumPence === 0) {
      return invalid("finance.budget.capitatedSumPence", "The capitated sum must be more than £0");
    }
    if (budget.unregisteredPatientsEstimatePence === undefined) {
      return missing(
        "finance.budget.unregisteredPatientsEstimatePence",
        "Enter the estimate for unregistered patients in the whole-population budget",
      );
    }
    if (budget.performancePaymentPercent === undefined) {
      return missing("finance.budget.performancePaymentPercent", "Enter the performance payment as a percentage of the contract sum");
    }
    return pass();
  },
};

export const acuteRiskShare: AutomaticCriterion = {
  id: "NCM-09",
  domain: "proposal",
  kind: "automatic",
  title: "Fully integrated MCP shares risk with acute providers",
  rule:
    "A fully integrated MCP takes on spending that drives activity in local hospitals, so it must have a risk or " +
    "gain share with the local acute providers (for example on avoidable secondary-care activity), and describe it.",
  source: "S29",
  appliesTo: appliesTo(["MCP"]),
  severity: "blocking",
  fieldPaths: ["finance.riskGainShare.hasRiskShare", "finance.riskGainShare.description"],
  check: (content) => {
    if (content.contract?.contractOption !== "fully_integrated") return notApplicable();
    const share = content.finance?.riskGainShare;
    if (share?.hasRiskShare === false) {
      return invalid(
        "finance.riskGainShare.hasRiskShare",
        "A fully integrated MCP needs a risk or gain share with its local acute providers",
      );
    }
    if (isBlank(share?.description)) {
      return missing("finance.riskGainShare.description", "Describe the risk or gain share with your local acute providers");
    }
    return pass();
  },
};

export const contractHolderForm: AutomaticCriterion = {
  id: "NCM-10",
  domain: "proposal",
  kind: "automatic",
  title: "Contract holder's form given",
  rule:
    "Once there is a preferred bidder (checkpoint 2 onwards), say what form the organisation holding the " +
    "contract takes: an existing NHS provider, a new NHS trust, a joint venture, a social enterprise or a " +
    "limited liability partnership. A new NHS trust is a new legal entity.",
  source: "S35, S36, S50a",
  appliesTo: appliesTo(undefined, [2, 3]),
  severity: "blocking",
  fieldPaths: ["contract.contractHolderForm", "contract.createsNewLegalEntity"],
  check: (content) => {
    const form = content.contract?.contractHolderForm;
    if (form === undefined) {
      return missing("contract.contractHolderForm", "Select the form of the organisation that will hold the contract");
    }
    if (form === "new_nhs_trust" && content.contract?.createsNewLegalEntity === false) {
      return invalid(
        "contract.createsNewLegalEntity",
        "A new NHS trust is a new legal entity; change this answer or the contract holder's form",
      );
    }
    return pass();
  },
};

export const contractTermAndValue: AutomaticCriterion = {
  id: "NCM-11",
  domain: "proposal",
  kind: "automatic",
  title: "Contract term and value given",
  rule:
    "Give the contract term in years and the annual contract value. There is no national threshold; reviewers " +
    "use them to judge scale and risk (Dudley's MCP was planned at 10 to 15 years and about £250 million a year).",
  source: "S50a, S50b",
  appliesTo: appliesTo(),
  severity: "warning",
  fieldPaths: ["contract.contractTermYears", "contract.annualContractValuePence"],
  check: (content) => {
    const contract = content.contract;
    if (contract?.contractTermYears === undefined) {
      return missing("contract.contractTermYears", "Enter the contract term in years");
    }
    if (contract.annualContractValuePence === undefined) {
      return missing("contract.annualContractValuePence", "Enter the annual contract value");
    }
    if (contract.annualContractValuePence === 0) {
      return invalid("contract.annualContractValuePence", "The annual contract value must be more than £0");
    }
    return pass();
  },
};

export const knownVanguard: AutomaticCriterion = {
  id: "NCM-12",
  domain: "proposal",
  kind: "automatic",
  title: "Vanguard is one of the 50",
  rule: "A proposal that comes from a vanguard must name one of the 50 new care model vanguards by its number.",
  source: "S37, S38, S39, S40, S41",
  appliesTo: appliesTo(),
  severity: "blocking",
  fieldPaths: ["about.vanguardNumber"],
  check: (content, ctx) => {
    const vanguard = content.about?.vanguardNumber;
    if (vanguard === undefined || ctx.reference === undefined) return notApplicable();
    return ctx.reference.vanguardNumbers.includes(vanguard)
      ? pass()
      : invalid("about.vanguardNumber", `There is no vanguard number ${vanguard}; choose one of the 50 vanguards`);
  },
};

export const knownFootprint: AutomaticCriterion = {
  id: "NCM-13",
  domain: "proposal",
  kind: "automatic",
  title: "Footprint is one of the 44",
  rule: "The proposal must belong to one of the 44 sustainability and transformation plan footprints.",
  source: "S45",
  appliesTo: appliesTo(),
  severity: "blocking",
  fieldPaths: ["about.footprintCode"],
  check: (content, ctx) => {
    const code = content.about?.footprintCode;
    if (code === undefined) return missing("about.footprintCode", "Select the footprint");
    if (ctx.reference === undefined) return notApplicable();
    return ctx.reference.footprintCodes.includes(code)
      ? pass()
      : invalid("about.footprintCode", `${code} is not one of the 44 footprints; choose the footprint again`);
  },
};

const LIST_SIZE_TOLERANCE = 0.05;

export const listSizesMatchPopulation: AutomaticCriterion = {
  id: "NCM-14",
  domain: "proposal",
  kind: "automatic",
  title: "Practice list sizes add up to the registered population",
  rule:
    "The participating practices' list sizes should add up to the registered population, within 5%. A bigger " +
    "gap usually means a practice is missing or a figure is out of date. (Derived from NCM-02: the registered " +
    "population is the practices' combined lists.)",
  source: "S27, S35",
  appliesTo: appliesTo(),
  severity: "warning",
  fieldPaths: ["population.registeredPopulation"],
  check: (content) => {
    const registered = content.population?.registeredPopulation;
    const practices = content.population?.practices ?? [];
    // Until every list size is in, the sum means nothing and NCM-02 already asks for the rest.
    if (!registered || practices.length === 0 || practices.some((p) => p.listSize === undefined)) {
      return notApplicable();
    }
    const total = practices.reduce((sum, p) => sum + (p.listSize ?? 0), 0);
    const gap = Math.abs(total - registered) / registered;
    return gap > LIST_SIZE_TOLERANCE
      ? invalid(
          "population.registeredPopulation",
          `Your practices' list sizes add up to ${formatCount(total)}, which is more than ` +
            `${formatPercent(LIST_SIZE_TOLERANCE * 100)} away from the registered population of ${formatCount(registered)}`,
        )
      : pass();
  },
};

export const proposalCriteria: readonly AutomaticCriterion[] = [
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
