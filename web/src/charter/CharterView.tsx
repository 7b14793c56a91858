// The charter of the open partnership, edited live by all partners: who they
// are, why they work together, who does what, how they keep each other
// informed, what could go wrong, and what they have to work with.
import { CommunicationSection } from "./CommunicationSection"
import { OverviewSection } from "./OverviewSection"
import { PartnersSection } from "./PartnersSection"
import { PrinciplesSection } from "./PrinciplesSection"
import { PurposeSection } from "./PurposeSection"
import { ResourcesSection } from "./ResourcesSection"
import { RisksSection } from "./RisksSection"
import { RolesSection } from "./RolesSection"
import "./charter.css"

/** The charter section of a partnership (inside `PartnershipContext`). */
export function CharterView() {
  return (
    <div class="charter" data-testid="charter">
      <OverviewSection />
      <PurposeSection />
      <PrinciplesSection />
      <PartnersSection />
      <RolesSection />
      <CommunicationSection />
      <RisksSection />
      <ResourcesSection />
    </div>
  )
}
