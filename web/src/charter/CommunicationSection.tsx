// How the partners keep each other informed: how often they meet, the
// channels they use, and who shares what.
import type { Channel, InformationDuty, Partner } from "../generated/model"
import { editItem, removeById, type ItemEdit } from "../model/lists"
import { list, optScalar, scalar, str } from "../model/values"
import { PartnerSelect, TextField } from "../ui/fields"
import { EditableList, ItemActions, type ItemContext } from "./EditableList"
import { newChannel, newInformationDuty } from "./factories"
import { t } from "./messages"
import { Section } from "./Section"
import { useCharter } from "./useCharter"

/** The communication plan. */
export function CommunicationSection() {
  const { charter, change } = useCharter()
  const plan = charter.communication
  const partners = list(charter.partners)
  return (
    <Section title={t("communicationTitle")} testId="charter-communication">
      <TextField
        label={t("cadence")}
        value={plan?.cadence}
        multiline
        placeholder={t("cadencePlaceholder")}
        testId="charter-cadence"
        onCommit={(text) =>
          change((d) => {
            d.communication.cadence = scalar(text)
          })
        }
      />
      <Section title={t("channelsTitle")} level={3}>
        <EditableList
          items={list(plan?.channels)}
          label={t("channelList")}
          addLabel={t("addChannel")}
          emptyText={t("noChannels")}
          itemTestId="channel"
          addTestId="add-channel"
          onAdd={() => {
            const channel = newChannel()
            change((d) => {
              d.communication.channels.push(channel)
            })
            return str(channel.id)
          }}
          onRemove={(id) => change((d) => removeById(d.communication.channels, id))}
          renderItem={(channel, context) => <ChannelItem channel={channel} partners={partners} context={context} />}
        />
      </Section>
      <Section title={t("dutiesTitle")} level={3}>
        <EditableList
          items={list(plan?.informationDuties)}
          label={t("dutyList")}
          addLabel={t("addDuty")}
          emptyText={t("noDuties")}
          itemTestId="information-duty"
          addTestId="add-information-duty"
          onAdd={() => {
            const duty = newInformationDuty(partners.length === 1 ? str(partners[0].id) : "")
            change((d) => {
              d.communication.informationDuties.push(duty)
            })
            return str(duty.id)
          }}
          onRemove={(id) => change((d) => removeById(d.communication.informationDuties, id))}
          renderItem={(duty, context) => <DutyItem duty={duty} partners={partners} context={context} />}
        />
      </Section>
    </Section>
  )
}

type ItemProps<T> = { partners: readonly Partner[]; context: ItemContext } & T

function ChannelItem({ channel, partners, context }: ItemProps<{ channel: Channel }>) {
  const { change } = useCharter()
  const id = str(channel.id)
  const edit: ItemEdit<Channel> = (apply) => change((d) => editItem(d.communication.channels, id, apply))
  return (
    <div class="item-row">
      <TextField
        label={t("channelName")}
        value={channel.name}
        autoFocus={context.isNew}
        testId="channel-name"
        onCommit={(text) =>
          edit((c) => {
            c.name = scalar(text)
          })
        }
      />
      <TextField
        label={t("channelPurpose")}
        value={channel.purpose}
        class="wide"
        testId="channel-purpose"
        onCommit={(text) =>
          edit((c) => {
            c.purpose = scalar(text)
          })
        }
      />
      <PartnerSelect
        label={t("channelOwner")}
        partners={partners}
        value={channel.ownerPartnerId}
        testId="channel-owner"
        onChange={(partnerId) =>
          edit((c) => {
            c.ownerPartnerId = optScalar(partnerId)
          })
        }
      />
      <ItemActions context={context} name={str(channel.name)} />
    </div>
  )
}

function DutyItem({ duty, partners, context }: ItemProps<{ duty: InformationDuty }>) {
  const { change } = useCharter()
  const id = str(duty.id)
  const edit: ItemEdit<InformationDuty> = (apply) => change((d) => editItem(d.communication.informationDuties, id, apply))
  return (
    <div class="item-row">
      <PartnerSelect
        label={t("dutyPartner")}
        partners={partners}
        value={duty.partnerId}
        required
        testId="duty-partner"
        onChange={(partnerId) =>
          edit((d) => {
            d.partnerId = scalar(partnerId ?? "")
          })
        }
      />
      <TextField
        label={t("dutyPerson")}
        value={duty.person}
        autoFocus={context.isNew}
        testId="duty-person"
        onCommit={(text) =>
          edit((d) => {
            d.person = scalar(text)
          })
        }
      />
      <TextField
        label={t("dutyWhat")}
        value={duty.what}
        class="wide"
        testId="duty-what"
        onCommit={(text) =>
          edit((d) => {
            d.what = scalar(text)
          })
        }
      />
      <ItemActions context={context} name={str(duty.what) || str(duty.person)} />
    </div>
  )
}
