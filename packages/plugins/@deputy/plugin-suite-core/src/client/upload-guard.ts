import { message } from 'antd';

/**
 * No form of the suite is saved while one of its files is still uploading (a deputy on a slow phone network
 * pressed 保存草稿 before the photo arrived, and the draft was saved without it). NocoBase's submit button does
 * not know about the upload; the upload list does (antd marks the item `…-uploading`). A click on a submit
 * button whose block still shows such an item is stopped before the form sees it, with the reason.
 */
export function guardUploads(warning: () => string) {
  if (typeof document === 'undefined') return () => undefined;
  const onClick = (event: MouseEvent) => {
    const button = (event.target as Element | null)?.closest?.('button');
    if (!button || button.getAttribute('type') !== 'submit') return;
    const block = button.closest('.ant-card') ?? button.closest('.ant-form') ?? button.closest('.ant-drawer-content');
    if (!block?.querySelector('.ant-upload-list-item-uploading')) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    message.warning(warning());
  };
  // Capture phase: before React's handlers on the button.
  document.addEventListener('click', onClick, true);
  return () => document.removeEventListener('click', onClick, true);
}
