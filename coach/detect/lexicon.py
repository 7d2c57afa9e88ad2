"""Word lists the detector's resolution step consults (kept apart from the phrase templates)."""

# Negated words that make a negation good news, not a refusal: "no problem", "no charge",
# "don't worry", "can't wait", "won't need to pay", "never hesitate", "couldn't agree more".
FAVOURABLE_NEGATED = frozenset(
    """
    worry worries worried worrying hesitate hesitating problem problems trouble troubles charge charges
    charged cost costs fee fees extra need needs needed rush hurry pressure obligation wait agree
    happier better thank stress emphasize emphasise issue issues hassle doubt fault risk risks penalty
    catch harm bother mind pay paying questions question longer-needed surprise wonder wrong forget
    miss matter big deal cause reason stop stopping sweat
    """.split()
)

# Words after a negation that make it about something other than what the company will do.
NOT_A_REFUSAL = frozenset(
    """
    think believe want wanted like liked mean meant see seeing intend experience way kind level
    happen happened promise guarantee legitimate authentic genuine real affiliated one
    related spam only just always yet
    """.split()
)

# After "it/that/this is not ...": the words that turn it into "that cannot be done".
UNAVAILABLE_HEADS = frozenset(
    """
    possible available option options something allowed permitted covered included eligible refundable
    returnable valid applicable supported offered doable feasible stock policy able free refunded somewhere
    refundable open enabled work
    """.split()
)

# Auxiliaries whose negation states what someone can/will/does do (not past events).
REFUSAL_AUX = frozenset(
    "ca can could wo will would do does am are 'm 're is 's may might must shall should".split()
)

NEGATION_CUES = frozenset("n't not nt never cannot unable impossible".split())

SUBJECTS_STAFF = frozenset("i we company team store shop staff department they it that this".split())

# Verbs that, committed to by the staff ("I'll send", "we can refund"), are a concrete fix.
SOLUTION_VERBS = frozenset(
    """
    send resend refund replace reship arrange issue credit process book rebook reserve ship dispatch
    upgrade waive apply add cancel change update fix reset reactivate unlock restore organise organize
    schedule expedite order extend offer exchange swap repair collect deliver courier compensate give
    provide cover honour honor match reimburse void remove correct amend adjust post sort resolve
    recommend suggest advise set put hold email e-mail waive discount price-match pick refund upgrade
    activate enable disable unblock release rush prioritise prioritize transfer-funds mail text move remix
    remake bring push cut pause end switch include reverse freeze unfreeze keep leave rebook downgrade mend
    reinstate reopen top lock protect get make pay refit replace-it
    """.split()
)

# Imperatives that tell the customer how to fix or find something.
ACTION_IMPERATIVES = frozenset(
    """
    try restart reboot visit check click select use open tap update reset clear install uninstall
    reinstall follow head go navigate log sign enable disable turn switch hold store forward download
    redownload remove delete stream see find unplug plug press connect disconnect charge keep change
    power toggle refresh access look make set adjust browse scroll type enter choose pick read review
    give double-check verify swipe drag save upload insert place pop bring take return drop dial tick
    right-click double-click write add skip leave wipe tighten loosen unscrew screw fill wash rinse soak apply
    attach detach reconnect pair unpair long-press scan print export import paste copy rename mute unmute
    allow accept disable
    """.split()
)

# Verbs of "you can ..." that are a way out for the customer, not a request to contact us.
YOU_CAN_ACTIONS = ACTION_IMPERATIVES | frozenset(
    "learn find track manage cancel book redeem claim collect apply request exchange return get place upgrade "
    "downgrade pay switch move pick order pause".split()
)

# Follow-up verbs of next steps ("we'll call you", "you'll receive").
FOLLOW_UP_VERBS = frozenset(
    """
    call ring phone email e-mail text contact reach get follow update let keep touch look investigate check
    review hear receive arrive come visit collect escalate confirm notify inform process mail
    message dm chase expedite
    """.split()
)

TIME_WORDS = frozenset(
    """
    today tomorrow tonight monday tuesday wednesday thursday friday saturday sunday morning afternoon
    evening hour hours minute minutes day days week weeks month business working asap shortly
    noon midday eod
    """.split()
)

CONTACT_VERBS = frozenset(
    "contact call phone ring dm message email e-mail send submit reach tweet chat write text".split()
)

# All-caps words that customers generally know; everything in the jargon lexicon is flagged.
COMMON_ACRONYMS = frozenset(
    """
    OK ID PIN PDF USA US UK EU TV PC FAQ FAQS URL DM DMS SMS MMS ASAP AM PM PT ET EST CET GMT UTC
    ZIP USB HDMI WIFI VPN IT IOS VAT CEO HR NHS BBC ATM CV DIY ETA GPS LED LCD CD DVD APP PS PS4 PS5
    FYI NB RSVP UPS DHL USPS CVV CVC SIM 4G 5G LTE HD UHD 4K AC DC MR MRS MS DR LOL BTW AI QR NY LA USD
    EUR GBP SEK NOK DKK CAD AUD RRP VIP I A TGIF COVID OMG TBH IMO BT EE
    YT PS3 XBOX HP LG IBM HBO CNN NBA NFL TNT BMW HSBC GP DVLA HMRC IRS SSN DOB PO AMEX NO YES EV PST PDT CST
    """.split()
)

# Internal words and abbreviations customers do not know (a pack can add its own).
JARGON = frozenset(
    """
    WMS ASN SKU SKUS RMA SO SOS SLA SLAS EOL PSP KYC AML CRM ERP OMS TMS POD BOL GRN NDR 3PL P1 P2 P3
    P4 L1 L2 L3 T1 T2 T3 MTU ONT NTE OTDR APN DNS SMTP IMAP MX TTL BGP VLAN QOS RCA MTTR FCR AHT CSAT
    NPS CES IVR ACD WFM QA QC BAU EOD COB ETD ATD FOB DDP DAP EXW MOQ OOS SOP SOW RFQ ACH BACS
    MCC AVS 3DS EMV TID MID ARN OOB JWT WLAN CDN OLCI FTTP FTTC FTTH SOGEA SPF DKIM DMARC SMETS1 SMETS2 DCC
    RFS LTL FTL PPPOE PPPoE RADIUS RTS NDR NDRs PNR MAC DSLAM CRC IPsec NAT-T BO CVM CVV2 SIP VoIP VOIP ONU OLT
    GPON ADSL VDSL SNR DHCP ETL API APIs SDK SSO SAML LDAP VPC TLS SSL CNAME PSTN MNP PAC STAC
    IMEI ICCID PUK MSISDN EORI CMR AWB ATA VAS KPI OTIF WIP FIFO KYB
    """.split()
)
